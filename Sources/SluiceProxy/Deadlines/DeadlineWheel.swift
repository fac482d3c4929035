import NIOCore

/// Something that waits on a loop's ``DeadlineWheel``.
protocol DeadlineWheelMember: AnyObject {
    /// Where the member sits in the wheel; set and cleared by the wheel only.
    var wheelPlace: DeadlineWheel.Place? { get set }
    /// The deadline the member was added with has come (to the wheel's resolution). The member is
    /// out of the wheel by then, and may add itself again.
    func wheelDeadlineReached()
}

/// The deadlines of one event loop's connections, on one timer: a hashed timing wheel (as in
/// Varghese and Lauck's scheme, Netty's `HashedWheelTimer` or Kafka's timing wheel).
///
/// A deadline is rounded up to the wheel's resolution and filed in the slot of that tick; adding
/// and removing a member take constant time, whatever the number of connections. The loop's one
/// scheduled task fires at the earliest slot that held anything when it was set, handles every
/// member due by then and sets itself for the next occupied slot; a member filed for a later
/// turn of the wheel is looked at, and left, once per turn. The task is moved only when a
/// deadline comes earlier than the tick it is set for, and left to run out when members leave:
/// connections that come and go one after another do not reschedule it each time.
///
/// Compared with a NIO scheduled task per connection, this allocates nothing per deadline and
/// cancels in constant time: NIO finds a cancelled task by a linear search of its loop's timer
/// heap, so with thousands of open streams on a loop each close or earlier deadline would scan
/// them all. Deadlines fire up to one resolution late; the proxy's timeouts are seconds long.
final class DeadlineWheel {
    /// A member's slot, its index in the slot, and the tick it is due at.
    struct Place {
        fileprivate var slot: Int
        fileprivate var index: Int
        fileprivate var tick: Int64
    }

    private let eventLoop: any EventLoop
    private let resolution: Int64
    private var slots: [[any DeadlineWheelMember]]
    /// Every tick up to this one has been handled.
    private var handledTick: Int64
    private var timer: Scheduled<Void>?
    /// The tick `timer` fires at.
    private var timerTick = Int64.max
    /// Members in the wheel.
    private(set) var count = 0
    /// Members due are being told: the timer is set once they all were.
    private var firing = false

    /// - Parameters:
    ///   - resolution: the tick; a deadline fires at most this much late.
    ///   - slots: ticks per turn of the wheel.
    /// The loop's clock, which the wheel's deadlines are read against.
    var now: NIODeadline { eventLoop.now }

    init(eventLoop: any EventLoop, resolution: TimeAmount = .milliseconds(100), slots: Int = 1024) {
        precondition(resolution.nanoseconds > 0 && slots > 0)
        self.eventLoop = eventLoop
        self.resolution = resolution.nanoseconds
        self.slots = Array(repeating: [], count: slots)
        self.handledTick = Int64(clamping: eventLoop.now.uptimeNanoseconds) / resolution.nanoseconds
    }

    /// Files `member` (which must not be in the wheel) for `deadline`.
    func add(_ member: any DeadlineWheelMember, at deadline: NIODeadline) {
        eventLoop.preconditionInEventLoop()
        precondition(member.wheelPlace == nil, "a member is in the wheel once")
        let tick = tick(for: deadline)
        let slot = Int(tick % Int64(slots.count))
        member.wheelPlace = Place(slot: slot, index: slots[slot].count, tick: tick)
        slots[slot].append(member)
        count += 1
        if tick < timerTick, !firing { arm(at: tick) }
    }

    /// Makes sure `member` is told no later than `deadline` (to the wheel's resolution): filed
    /// for it when not in the wheel, moved when filed for a later tick, left alone otherwise.
    /// Activity that only pushes a deadline later therefore costs no wheel operation.
    func fire(_ member: any DeadlineWheelMember, noLaterThan deadline: NIODeadline) {
        if let place = member.wheelPlace {
            if place.tick <= tick(for: deadline) { return }
            remove(member)
        }
        add(member, at: deadline)
    }

    /// The tick a deadline is filed for: rounded up to the resolution, and never one already
    /// handled. Clamped so that the tick's time still fits in 64 bits (`.distantFuture` included).
    private func tick(for deadline: NIODeadline) -> Int64 {
        let nanoseconds = min(Int64(clamping: deadline.uptimeNanoseconds), Int64.max - resolution)
        return max(nanoseconds / resolution + (nanoseconds % resolution == 0 ? 0 : 1), handledTick + 1)
    }

    /// Takes `member` out of the wheel, if it is there.
    func remove(_ member: any DeadlineWheelMember) {
        guard let place = member.wheelPlace else { return }
        member.wheelPlace = nil
        let last = slots[place.slot].removeLast()
        if place.index < slots[place.slot].count {
            slots[place.slot][place.index] = last
            last.wheelPlace?.index = place.index
        }
        count -= 1
    }

    private func arm(at tick: Int64) {
        timer?.cancel()
        timerTick = tick
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(UInt64(tick * resolution))) { [self] in
            timer = nil
            timerTick = .max
            fire()
        }
    }

    private func fire() {
        let nowTick = Int64(clamping: eventLoop.now.uptimeNanoseconds) / resolution
        var due: [any DeadlineWheelMember] = []
        if nowTick > handledTick {
            // Every slot once at most: a slot holds all the ticks of its residue class.
            let passed = min(nowTick - handledTick, Int64(slots.count))
            for step in 1...passed {
                let slot = Int((handledTick + step) % Int64(slots.count))
                for member in slots[slot] where member.wheelPlace!.tick <= nowTick {
                    due.append(member)
                }
            }
            handledTick = nowTick
        }
        for member in due { remove(member) }
        firing = true
        for member in due { member.wheelDeadlineReached() }
        firing = false
        // An empty wheel sets no timer: an idle loop does not tick.
        if count > 0 { armAtNextOccupiedSlot() }
    }

    /// Sets the timer for the first slot ahead that holds a member (early for a member filed for
    /// a later turn: that slot is then looked at and left).
    private func armAtNextOccupiedSlot() {
        for step in 1...Int64(slots.count) where !slots[Int((handledTick + step) % Int64(slots.count))].isEmpty {
            arm(at: handledTick + step)
            return
        }
    }
}

@available(*, unavailable)
extension DeadlineWheel: Sendable {}
