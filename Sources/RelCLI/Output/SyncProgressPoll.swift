import Foundation
import RelControlAPI

/// While `relctl sync` waits for reld's round, asks reld twice a second how far the round has
/// got (`GET /v1/status`, whose `sync.round` holds the counts) and puts that on the waiting
/// line: "waiting for reld's sync round (4 s): 3 pages, 2,000 changes pulled, 14 pushed…".
///
/// The round itself answers only at its end; a status call is cheap and needs no second kind
/// of answer from the sync route.
enum SyncProgressPoll {
    /// Starts polling, or does nothing when the progress line is not shown (not a terminal,
    /// `--quiet`). Cancel the task when the round's answer has come.
    static func start(client: ControlClient) -> Task<Void, Never>? {
        guard ProgressLine.shared.isShown else { return nil }
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard !Task.isCancelled,
                    let data = try? await client.send(.get, Routes.status, timeout: .seconds(5), showsWaiting: false),
                    let status = try? JSONDecoder().decode(StatusResponse.self, from: data)
                else { continue }
                ProgressLine.waitingDetail = status.sync?.round.map(describe)
            }
        }
    }

    /// `3 pages, 2,000 changes pulled, 14 pushed`.
    static func describe(_ round: RoundProgress) -> String {
        let pages = round.pages == 1 ? "1 page" : "\(ProgressLine.count(round.pages)) pages"
        let pulled = round.pulled == 1 ? "1 change pulled" : "\(ProgressLine.count(round.pulled)) changes pulled"
        return "\(pages), \(pulled), \(ProgressLine.count(round.pushed)) pushed"
    }
}
