import RelModel
import RelStore

extension Simulation {
    /// The hub of a case: the SQLite store every push goes to, and the mirror, if any, that takes
    /// the same pushes and serves the pulls.
    struct Hub {
        let store: AppDatabase
        let mirror: FeedMirror?

        /// Pushes in batches under the replica's writer, as reld does; a faulty push repeats or
        /// reorders batches, or is lost (and so resent later). A batch the hub refuses (a
        /// reordered one leaves a gap in the node's numbers) ends the push, as it ends a round.
        func push(_ r: Replica, _ rng: inout SplitMix64, faulty: Bool = true) async throws {
            let (changes, mark) = try await r.store.changesToPush(limit: Int.random(in: 1...30, using: &rng))
            guard !changes.isEmpty else { return }
            var batches = stride(from: 0, to: changes.count, by: 7).map { Array(changes[$0..<min($0 + 7, changes.count)]) }
            if faulty {
                if Int.random(in: 0..<4, using: &rng) == 0 { return }  // lost before the hub saw it
                if Bool.random(using: &rng) { batches.shuffle(using: &rng) }
                if Bool.random(using: &rng), let b = batches.randomElement(using: &rng) { batches.append(b) }
            }
            for b in batches {
                guard try await apply(b, writer: r.writer, node: r.store.nodeID) else {
                    guard faulty else { throw PropertyFailure("a push in order was refused") }
                    return
                }
            }
            if faulty, Int.random(in: 0..<4, using: &rng) == 0 { return }  // the reply was lost
            try await r.store.markPushed(mark)
        }

        /// Applies one batch to the store and the mirror; whether it was taken. Both must
        /// answer alike: the same counts, or the same refusal.
        private func apply(_ batch: [Change], writer: String, node: String) async throws -> Bool {
            let answer: Result<ApplySummary, StoreError>
            do {
                answer = .success(try await store.applyPushed(batch, writer: writer, declaredNode: node))
            } catch let error as StoreError {
                answer = .failure(error)
            }
            if let mirror {
                let mirrored: Result<ApplySummary, any Error>
                do { mirrored = .success(try await mirror.push(batch, writer, node)) } catch { mirrored = .failure(error) }
                switch (answer, mirrored) {
                case (.success(let a), .success(let b)) where a == b: break
                case (.failure(let a), .failure(let b)) where "\(a)" == "\(b)": break
                default: throw PropertyFailure("a push got \(answer) from the SQLite hub but \(mirrored) from the mirror")
                }
            }
            if case .success = answer { return true }
            return false
        }

        /// Pulls pages from the hub (from the mirror if there is one), leaving out the
        /// replica's own changes or not; a faulty pull drops, repeats or swaps pages.
        func pull(_ r: AppDatabase, _ rng: inout SplitMix64, faulty: Bool) async throws {
            var position = try await r.feedPosition(feedURL: "hub")
            while true {
                let limit = Int.random(in: 1...12, using: &rng)
                let known = Bool.random(using: &rng) && position.ownHeld > 0 ? OwnChanges(node: r.nodeID, upTo: position.ownHeld) : nil
                let page = try await self.page(since: position.cursor, limit: limit, known: known)
                if faulty {
                    switch Int.random(in: 0..<5, using: &rng) {
                    case 0: return  // dropped
                    case 1: _ = try await r.applyPulled(page.changes, feedID: page.feedID, next: page.next, etag: nil, lastModified: nil)
                    case 2 where page.more:
                        let later = try await self.page(since: page.next, limit: limit, known: known)
                        _ = try await r.applyPulled(later.changes, feedID: later.feedID, next: later.next, etag: nil, lastModified: nil)
                    default: break
                    }
                }
                _ = try await r.applyPulled(page.changes, feedID: page.feedID, next: page.next, etag: nil, lastModified: nil)
                position = try await r.feedPosition(feedURL: "hub")
                if !page.more { return }
            }
        }

        /// The page the replicas read: the mirror's, if there is one. Positions are the store's
        /// own (SQLite's skip a number for each replayed change, PostgreSQL's do not), so pages
        /// are compared as whole logs, by ``checkMirrorHoldsTheSameLog()``.
        private func page(since: Int64, limit: Int, known: OwnChanges?) async throws -> FeedPage {
            guard let mirror else { return try await store.feedPage(since: since, limit: limit, known: known) }
            return try FeedPage(json: JSONValue.parse(try await mirror.pageText(since, limit, known)))
        }

        /// The mirror's snapshot document, if there is a mirror (the SQLite hub's is tested on its own).
        func snapshot() async throws -> FeedSnapshot? {
            guard let mirror else { return nil }
            return try FeedSnapshot(json: JSONValue.parse(try await mirror.snapshotText()))
        }

        /// After the case: the mirror's log holds the SQLite hub's changes, in the same order.
        func checkMirrorHoldsTheSameLog() async throws {
            guard let mirror else { return }
            var (since, log): (Int64, [Change]) = (0, [])
            while true {
                let page = try FeedPage(json: JSONValue.parse(try await mirror.pageText(since, 1000, nil)))
                log += page.changes
                if !page.more { break }
                since = page.next
            }
            let expected = try await store.changes(after: 0, limit: .max)
            guard log == expected else {
                let first = zip(log, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(log.count, expected.count)
                throw PropertyFailure(
                    "the mirror's log (\(log.count) changes) differs from the SQLite hub's (\(expected.count)) from change \(first + 1)")
            }
        }
    }
}
