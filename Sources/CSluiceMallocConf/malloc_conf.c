// jemalloc's options, read from this global by jemalloc itself when the release build links it
// (Scripts/build-release.sh). In other builds nothing reads it.
//
// background_thread: purge freed pages from a background thread, so that memory goes back to
// the system after a burst of streams ends even on event loops that then sit idle (without it,
// an arena purges only when its thread allocates again).
const char *malloc_conf = "background_thread:true";
