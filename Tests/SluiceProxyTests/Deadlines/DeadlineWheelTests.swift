import NIOCore
import NIOEmbedded
import Testing

@testable import SluiceProxy

/// The loop's deadline wheel, on an embedded loop whose clock the tests move.
@Suite("Deadline wheel")
struct DeadlineWheelTests {
    final class Member: DeadlineWheelMember {
        var wheelPlace: DeadlineWheel.Place?
        let loop: EmbeddedEventLoop
        /// When the wheel told this member its deadline came.
        var fired: [NIODeadline] = []
        var onFire: ((Member) -> Void)?

        init(_ loop: EmbeddedEventLoop) { self.loop = loop }

        func wheelDeadlineReached() {
            fired.append(loop.now)
            onFire?(self)
        }
    }

    private let loop = EmbeddedEventLoop()

    private func wheel(slots: Int = 1024) -> DeadlineWheel {
        DeadlineWheel(eventLoop: loop, resolution: .milliseconds(100), slots: slots)
    }

    @Test func aDeadlineFiresOnceAtTheFirstTickAfterIt() {
        let wheel = wheel()
        let member = Member(loop)
        let start = loop.now
        wheel.add(member, at: start + .milliseconds(250))
        loop.advanceTime(by: .milliseconds(240))
        #expect(member.fired.isEmpty)
        loop.advanceTime(by: .milliseconds(100))
        #expect(member.fired.count == 1)
        #expect(member.fired[0] >= start + .milliseconds(250))
        #expect(member.fired[0] <= start + .milliseconds(350))
        #expect(member.wheelPlace == nil)
        #expect(wheel.count == 0)
        loop.advanceTime(by: .seconds(10))
        #expect(member.fired.count == 1)
    }

    @Test func aRemovedMemberNeverFiresAndTheOthersOfItsSlotStillDo() {
        let wheel = wheel()
        let members = (0..<4).map { _ in Member(loop) }
        let deadline = loop.now + .milliseconds(500)
        for member in members { wheel.add(member, at: deadline) }
        wheel.remove(members[0])
        wheel.remove(members[2])
        wheel.remove(members[2])
        #expect(wheel.count == 2)
        loop.advanceTime(by: .seconds(1))
        #expect(members.map(\.fired.count) == [0, 1, 0, 1])
    }

    @Test func aDeadlineMoreThanOneTurnAheadWaitsForItsTurn() {
        // Eight slots of 100 ms: a turn of the wheel is 0.8 s.
        let wheel = wheel(slots: 8)
        let late = Member(loop)
        let soon = Member(loop)
        let start = loop.now
        wheel.add(late, at: start + .milliseconds(2_450))
        wheel.add(soon, at: start + .milliseconds(50))
        loop.advanceTime(by: .seconds(2))
        #expect(soon.fired.count == 1)
        #expect(late.fired.isEmpty)
        loop.advanceTime(by: .milliseconds(600))
        #expect(late.fired.count == 1)
        #expect(late.fired[0] >= start + .milliseconds(2_450))
    }

    @Test func anEarlierDeadlineMovesTheTimerForward() {
        let wheel = wheel()
        let later = Member(loop)
        let earlier = Member(loop)
        wheel.add(later, at: loop.now + .seconds(5))
        wheel.add(earlier, at: loop.now + .milliseconds(200))
        loop.advanceTime(by: .milliseconds(300))
        #expect(earlier.fired.count == 1)
        #expect(later.fired.isEmpty)
        loop.advanceTime(by: .seconds(5))
        #expect(later.fired.count == 1)
    }

    @Test func aMemberMayFileItselfAgainWhenTold() {
        let wheel = wheel()
        let member = Member(loop)
        member.onFire = { member in
            if member.fired.count < 3 { wheel.add(member, at: member.loop.now + .seconds(1)) }
        }
        wheel.add(member, at: loop.now + .seconds(1))
        loop.advanceTime(by: .seconds(10))
        #expect(member.fired.count == 3)
        #expect(wheel.count == 0)
    }

    @Test func aDeadlineAtTheEndOfTimeWaitsWithoutOverflowing() {
        let wheel = wheel()
        let never = Member(loop)
        let soon = Member(loop)
        wheel.add(never, at: .distantFuture)
        wheel.add(soon, at: loop.now + .milliseconds(100))
        loop.advanceTime(by: .seconds(1))
        #expect(soon.fired.count == 1)
        #expect(never.fired.isEmpty)
        #expect(wheel.count == 1)
        wheel.remove(never)
        #expect(wheel.count == 0)
    }

    @Test func aLongSilenceFiresEverythingDueOnce() {
        // Nothing runs the wheel's timer for longer than several turns (a stalled loop).
        let wheel = wheel(slots: 4)
        let members = (0..<20).map { _ in Member(loop) }
        let start = loop.now
        for (index, member) in members.enumerated() {
            wheel.add(member, at: start + .milliseconds(Int64(100 * index + 50)))
        }
        loop.advanceTime(to: start + .seconds(30))
        #expect(members.allSatisfy { $0.fired.count == 1 })
    }

    @Test func membersLeavingInAnyOrderLeaveTheRestIntact() {
        let wheel = wheel(slots: 16)
        var generator = SystemRandomNumberGenerator()
        let members = (0..<200).map { _ in Member(loop) }
        for member in members {
            wheel.add(member, at: loop.now + .milliseconds(Int64.random(in: 1...3_000, using: &generator)))
        }
        let leaving = Set(members.indices.shuffled(using: &generator).prefix(120))
        for index in leaving { wheel.remove(members[index]) }
        #expect(wheel.count == 80)
        loop.advanceTime(by: .seconds(4))
        for (index, member) in members.enumerated() {
            #expect(member.fired.count == (leaving.contains(index) ? 0 : 1))
        }
    }
}
