import RelStore
import Testing

@testable import RelDaemon

// The store says what happened; reld adds what someone with relctl can do about it. These are
// the texts relctl shows, so each keeps its advice word for word.
@Suite struct StoreAdviceTests {
    @Test func theLedgersStateNamesTheRelctlCommand() {
        #expect(StoreError.deleted(id: "ev-1").reldMessage == "record ev-1 is deleted; bring it back with `relctl restore ev-1`")
        #expect(
            StoreError.noConflict(id: "ev-1", field: "title").reldMessage
                == "record ev-1 has no open conflict on field title; relctl conflicts lists the open ones")
        #expect(StoreError.alreadyExists(id: "ev-1").reldMessage == "a record with id ev-1 exists already; use edit to change it")
        #expect(
            StoreError.notInList(id: "ev-1", field: "tags", item: "\"x\"").reldMessage
                == "record ev-1: tags has no item \"x\"; nothing was changed (relctl show ev-1 lists its tags)")
        #expect(StoreError.notFound(id: "ev-1").reldMessage == "no record with id ev-1")
    }

    @Test func theStoresTroubleSaysWhatToDoWithReld() {
        #expect(
            StoreError.locked(path: "/s", pid: 42).reldMessage
                == "state directory /s is in use by another process (pid 42); stop it first, or give this one its own --state-dir")
        #expect(
            StoreError.damaged(path: "/db", reason: "file is not a database").reldMessage
                == "database /db is damaged (file is not a database); reld will not touch it: restore it from a backup or move it aside and re-import an export"
        )
        #expect(
            StoreError.diskFull(path: "/db").reldMessage
                == "disk full: cannot write to /db; nothing was written; free some space and try again")
        #expect(
            StoreError.unusable(path: "/db", reason: "x; the file or its file system is read-only", cause: .readOnly).reldMessage
                .hasSuffix("read-only; give reld's user write access"))
        #expect(StoreError.newerSchema(path: "/db").reldMessage.hasSuffix("; upgrade reld"))
        #expect(StoreError.internal(reason: "x").reldMessage.hasSuffix("; please report this with reld's log"))
    }
}
