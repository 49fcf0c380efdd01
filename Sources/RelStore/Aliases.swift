import RelModel

/// Our record, not GRDB's `Record` class.
public typealias Record = RelModel.Record
