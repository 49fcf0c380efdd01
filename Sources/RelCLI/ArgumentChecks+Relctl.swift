extension ArgumentChecks {
    /// relctl's table, as ArgumentParser describes relctl's options. `ArgumentChecksTests`
    /// compares the two and prints this declaration anew when an option is added or changed.
    static let relctl = ArgumentChecks(
        valueOptions: [
            "": [:],
            "add-agreement": [
                "actor": true,
                "category": false,
                "claim": false,
                "date": false,
                "date-in-force": false,
                "date-signed": false,
                "id": false,
                "lateral": false,
                "location": false,
                "notes": false,
                "party": true,
                "place": false,
                "quote": false,
                "related": true,
                "socket": false,
                "source-title": false,
                "source-url": false,
                "status": false,
                "subject": true,
                "tag": true,
                "title": false,
                "type": false,
            ],
            "add-event": [
                "actor": true,
                "category": false,
                "claim": false,
                "date": false,
                "fatalities": false,
                "id": false,
                "location": false,
                "notes": false,
                "party": true,
                "quote": false,
                "related": true,
                "socket": false,
                "source-title": false,
                "source-url": false,
                "tag": true,
                "title": false,
            ],
            "conflicts": [
                "socket": false
            ],
            "delete": [
                "socket": false
            ],
            "edit": [
                "add": true,
                "remove": true,
                "set": true,
                "socket": false,
                "unset": true,
            ],
            "export": [
                "category": false,
                "feed-url": false,
                "format": false,
                "home-page-url": false,
                "kind": false,
                "limit": false,
                "mode": false,
                "output": false,
                "party": true,
                "since": false,
                "socket": false,
                "title": false,
                "until": false,
            ],
            "help": [:],
            "history": [
                "field": false,
                "limit": false,
                "offset": false,
                "socket": false,
            ],
            "import": [
                "format": false,
                "socket": false,
            ],
            "list": [
                "category": false,
                "kind": false,
                "limit": false,
                "offset": false,
                "party": true,
                "since": false,
                "socket": false,
                "text": false,
                "until": false,
            ],
            "metrics": [
                "socket": false
            ],
            "resolve": [
                "socket": false,
                "take": false,
            ],
            "restore": [
                "socket": false
            ],
            "search": [
                "category": false,
                "kind": false,
                "limit": false,
                "offset": false,
                "party": true,
                "since": false,
                "socket": false,
                "until": false,
            ],
            "show": [
                "as-of": false,
                "socket": false,
            ],
            "status": [
                "socket": false
            ],
            "sync": [
                "socket": false
            ],
            "timeline": [
                "category": false,
                "format": false,
                "from": false,
                "kind": false,
                "mode": false,
                "output": false,
                "party": true,
                "since": false,
                "socket": false,
                "title": false,
                "to": false,
                "until": false,
            ],
        ],
        globalOptions: ["json", "quiet", "socket"]
    )
}
