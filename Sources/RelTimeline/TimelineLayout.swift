import RelModel

/// Where every record goes on the picture: a pure function from records to positioned shapes,
/// which the SVG renderer only draws.
///
/// One lane per category (in the vocabulary's order), time left to right. Events with one date
/// are marks; agreements, intervals and windows are spans. Records whose date is unknown, and
/// records wholly outside the years shown, are not placed but kept, to be listed beside the
/// picture: nothing given is dropped.
public struct TimelineLayout: Sendable, Equatable {
    /// Sizes of the picture, in SVG units.
    public enum Geometry {
        /// Room left of the plot for the lane names.
        public static let left = 130.0
        /// Room right of the plot.
        public static let right = 24.0
        /// The top of the first lane, below the year labels.
        public static let top = 56.0
        /// The height of one row of a lane.
        public static let rowHeight = 18.0
        /// Space above and below the rows of a lane.
        public static let lanePadding = 4.0
        /// The radius of a mark.
        public static let markRadius = 6.0
        /// The height of a span.
        public static let spanHeight = 12.0
        /// The narrowest a span is drawn, so that a short one stays visible and clickable.
        public static let minSpanWidth = 6.0
        /// The least room between two records on one row.
        public static let gap = 4.0
        /// The height of the legend below the lanes.
        public static let legendHeight = 64.0
        /// The most rows a lane takes; past them, records overlap rather than the lane grow.
        public static let maxRows = 40
    }

    /// The time axis.
    public var scale: TimeScale
    /// The lanes, top to bottom.
    public var lanes: [TimelineLane]
    /// The records placed, lane by lane, then by date.
    public var items: [TimelineItem]
    /// Records whose date is unknown, in the order given.
    public var undated: [Record]
    /// Records dated wholly before or after the years shown, in the order given.
    public var outside: [Record]
    /// The width of the picture.
    public var width: Double
    /// Where the legend starts.
    public var legendTop: Double
    /// The height of the picture, legend included.
    public var height: Double

    /// Lays out `records` as `options` say.
    public init(_ records: [Record], options: TimelineOptions) {
        typealias G = Geometry
        var dated: [(record: Record, t0: Double, t1: Double?)] = []
        var undated: [Record] = []
        for record in records {
            if let (t0, t1) = Self.extent(of: record.date) { dated.append((record, t0, t1)) } else { undated.append(record) }
        }
        let present = options.presentYear.map { Double($0 + 1) }
        // The years the records name: from the first start to the last finite end (or start).
        let firstYear = dated.map { Int($0.t0.rounded(.down)) }.min()
        var lastYear = dated.map { Int(($0.t1.map { $0 - 1e-9 } ?? $0.t0).rounded(.down)) }.max()
        if let presentYear = options.presentYear, dated.contains(where: { $0.t1 == nil }) {
            lastYear = max(lastYear ?? presentYear, presentYear)
        }
        let fromYear = options.fromYear ?? min(firstYear ?? options.toYear ?? 2000, options.toYear ?? Int.max)
        let toYear = max(options.toYear ?? lastYear ?? fromYear, fromYear)
        let plotWidth = max(options.width - G.left - G.right, 100)
        scale = TimeScale(fromYear: fromYear, toYear: toYear, left: G.left, width: plotWidth)
        width = G.left + plotWidth + G.right
        self.undated = undated

        // Lanes in the vocabulary's order; a category outside it (none today) goes last.
        var placed: [String: [(record: Record, t0: Double, t1: Double, open: Bool)]] = [:]
        var outside: [Record] = []
        let openEnd = present ?? Double(toYear + 1)
        for d in dated {
            let t1 = d.t1 ?? max(openEnd, d.t0 + 1.0 / 365)
            let shape = Self.shape(of: d.record)
            let visible = shape == .mark ? (scale.start..<scale.end).contains((d.t0 + t1) / 2) : t1 > scale.start && d.t0 < scale.end
            guard visible else {
                outside.append(d.record)
                continue
            }
            placed[d.record.category, default: []].append((d.record, d.t0, t1, d.t1 == nil))
        }
        self.outside = outside
        let order = Vocabulary.categories
        let categories = placed.keys.sorted {
            (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1)
        }

        var lanes: [TimelineLane] = []
        var items: [TimelineItem] = []
        var top = G.top
        for (laneIndex, category) in categories.enumerated() {
            let members = placed[category]!.sorted { ($0.t0, $0.t1, $0.record.id) < ($1.t0, $1.t1, $1.record.id) }
            var rowEnds: [Double] = []  // the right end of the last record on each row
            var laneItems: [TimelineItem] = []
            for m in members {
                var item = Self.item(m.record, t0: m.t0, t1: m.t1, open: m.open, scale: scale, lane: laneIndex)
                let left = item.shape == .mark ? min(item.x0, item.x - G.markRadius) : item.x0
                let right = item.shape == .mark ? max(item.x1, item.x + G.markRadius) : item.x1
                // First fit: the top row with room, else a new row; a lane full of rows takes the
                // row that ends first (records overlap there). At most maxRows steps per record, so
                // the layout stays linear in the number of records.
                let row =
                    rowEnds.firstIndex { $0 + G.gap <= left }
                    ?? (rowEnds.count < G.maxRows ? rowEnds.count : rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] }!)
                if row == rowEnds.count { rowEnds.append(right) } else { rowEnds[row] = max(rowEnds[row], right) }
                item.row = row
                laneItems.append(item)
            }
            let height = 2 * G.lanePadding + Double(max(rowEnds.count, 1)) * G.rowHeight
            for i in laneItems.indices {
                laneItems[i].y = top + G.lanePadding + (Double(laneItems[i].row) + 0.5) * G.rowHeight
            }
            lanes.append(TimelineLane(category: category, top: top, height: height, rows: rowEnds.count))
            items += laneItems
            top += height
        }
        self.lanes = lanes
        self.items = items
        legendTop = top + 16
        height = legendTop + G.legendHeight
    }

    /// A record's time in fractional years: its first moment and its end (exclusive), the end
    /// `nil` when open; `nil` when the date is unknown.
    public static func extent(of date: DateSpec) -> (t0: Double, t1: Double?)? {
        guard let low = date.lowerBound, let high = date.upperBound, let t0 = TimeScale.yearFraction(ofDay: low) else { return nil }
        if date.type != .instant && date.end == nil { return (t0, nil) }
        return (t0, TimeScale.yearFraction(afterDay: high).map { max($0, t0) })
    }

    /// Mark for an event with one date, span for the rest.
    public static func shape(of record: Record) -> TimelineItem.Shape {
        record.kind == .event && record.date.type == .instant ? .mark : .span
    }

    static func item(_ record: Record, t0: Double, t1: Double, open: Bool, scale: TimeScale, lane: Int) -> TimelineItem {
        let shape = shape(of: record)
        let clippedStart = t0 < scale.start
        let clippedEnd = t1 > scale.end
        var x0 = scale.x(max(t0, scale.start))
        var x1 = scale.x(min(t1, scale.end))
        if shape == .span && x1 - x0 < Geometry.minSpanWidth {
            x1 = min(x0 + Geometry.minSpanWidth, scale.left + scale.width)
            x0 = x1 - Geometry.minSpanWidth
        }
        let x = shape == .mark ? scale.x((t0 + t1) / 2) : x0
        return TimelineItem(
            record: record, lane: lane, row: 0, shape: shape, t0: t0, t1: t1, x0: x0, x1: x1, x: x, y: 0,
            uncertain: record.date.approximate || record.date.type == .window, openEnd: open,
            clippedStart: clippedStart, clippedEnd: clippedEnd)
    }
}
