import Foundation
import RelModel
import Testing

// Protects the ordering guarantees of the hybrid logical clock that stamps every change.
@Suite struct HybridLogicalClockTests {
    @Test func packsMillisAndCounter() {
        let t = HLCTimestamp(millis: 1_764_489_217_123, counter: 7)
        #expect(t.millis == 1_764_489_217_123)
        #expect(t.counter == 7)
        #expect(t.description == "1764489217123.0007")
        #expect(HLCTimestamp(rawValue: t.rawValue) == t)
        #expect(HLCTimestamp(millis: 5, counter: 0x1_0001).counter == 1)
        #expect(HLCTimestamp.zero.rawValue == 0)
    }

    @Test func ordersByMillisThenCounter() {
        #expect(HLCTimestamp(millis: 100, counter: 0xFFFF) < HLCTimestamp(millis: 101, counter: 0))
        #expect(HLCTimestamp(millis: 100, counter: 1) < HLCTimestamp(millis: 100, counter: 2))
        #expect(HLCTimestamp.zero < HLCTimestamp(millis: 0, counter: 1))
    }

    @Test func ticksFollowTheWallClock() {
        var clock = HybridLogicalClock()
        let a = clock.tick(nowMillis: 1000)
        let b = clock.tick(nowMillis: 1005)
        #expect(a == HLCTimestamp(millis: 1000, counter: 0))
        #expect(b == HLCTimestamp(millis: 1005, counter: 0))
        #expect(clock.last == b)
    }

    @Test func sameMillisecondBumpsTheCounter() {
        var clock = HybridLogicalClock()
        let stamps = (0..<5).map { _ in clock.tick(nowMillis: 42) }
        #expect(stamps.map(\.millis) == [42, 42, 42, 42, 42])
        #expect(stamps.map(\.counter) == [0, 1, 2, 3, 4])
    }

    @Test func clockGoingBackwardsStillIncreases() {
        var clock = HybridLogicalClock()
        let a = clock.tick(nowMillis: 10_000)
        let b = clock.tick(nowMillis: 9_000)
        let c = clock.tick(nowMillis: 1)
        #expect(a < b && b < c)
        #expect(c == HLCTimestamp(millis: 10_000, counter: 2))
        let d = clock.tick(nowMillis: 10_001)
        #expect(d == HLCTimestamp(millis: 10_001, counter: 0))
    }

    @Test func observingARemoteTimestampAhead() {
        var clock = HybridLogicalClock()
        _ = clock.tick(nowMillis: 1000)
        let remote = HLCTimestamp(millis: 5000, counter: 3)
        clock.observe(remote)
        let next = clock.tick(nowMillis: 1001)
        #expect(next > remote)
        #expect(next == HLCTimestamp(millis: 5000, counter: 4))
    }

    @Test func observingAnOlderTimestampChangesNothing() {
        var clock = HybridLogicalClock()
        let a = clock.tick(nowMillis: 5000)
        clock.observe(HLCTimestamp(millis: 10, counter: 9))
        #expect(clock.last == a)
        #expect(clock.tick(nowMillis: 5000) == HLCTimestamp(millis: 5000, counter: 1))
    }

    @Test func counterOverflowBorrowsTheNextMillisecond() {
        var clock = HybridLogicalClock(last: HLCTimestamp(millis: 100, counter: 0xFFFE))
        let a = clock.tick(nowMillis: 100)
        let b = clock.tick(nowMillis: 100)
        let c = clock.tick(nowMillis: 100)
        #expect(a == HLCTimestamp(millis: 100, counter: 0xFFFF))
        #expect(b == HLCTimestamp(millis: 101, counter: 0))
        #expect(c == HLCTimestamp(millis: 101, counter: 1))
        #expect(a < b && b < c)
    }

    @Test func manyTicksAreStrictlyIncreasing() {
        var clock = HybridLogicalClock(last: HLCTimestamp(millis: 7, counter: 0))
        var previous = clock.last
        var increasing = 0
        for i in 0..<200_000 {
            let t = clock.tick(nowMillis: Int64(i % 3))  // a wall clock stuck far in the past
            if t > previous { increasing += 1 }
            previous = t
        }
        #expect(increasing == 200_000)
        #expect(previous.millis == 7 + 200_000 / 0x10000)
    }

    @Test func startsAfterTheLastKnownStamp() {
        let last = HLCTimestamp(millis: 2_000_000_000_000, counter: 5)
        var clock = HybridLogicalClock(last: last)
        #expect(clock.tick(nowMillis: 1_000) > last)
    }

    @Test func codableAsThePackedInteger() throws {
        let t = HLCTimestamp(millis: 123, counter: 4)
        let data = try JSONEncoder().encode(t)
        #expect(String(decoding: data, as: UTF8.self) == String(t.rawValue))
        #expect(try JSONDecoder().decode(HLCTimestamp.self, from: data) == t)
    }
}
