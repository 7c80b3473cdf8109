import Testing

@testable import ChatExports

@Suite struct JSONArraySplitterTests {
    /// Splits `text` fed `chunk` bytes at a time, returning the elements' texts and the members.
    static func split(
        _ text: String, shape: JSONArraySplitter.Shape = .array, chunk: Int = 1 << 20, max: Int = 1 << 20
    ) throws -> (elements: [String], members: [String: String?], lengths: [Int]) {
        var splitter = JSONArraySplitter(shape: shape, maxElementBytes: max)
        var elements: [String] = []
        var lengths: [Int] = []
        var members: [String: String?] = [:]
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try bytes[start..<end].withUnsafeBytes { part in
                try splitter.feed(part) { event in
                    switch event {
                    case .element(let element):
                        elements.append(String(decoding: element.bytes, as: UTF8.self))
                        lengths.append(element.length)
                    case .member(let key, let value):
                        members[key] = value.map { String(decoding: $0, as: UTF8.self) }
                    }
                }
            }
            start = end
        }
        try splitter.finish()
        return (elements, members, lengths)
    }

    @Test(arguments: [1, 3, 1 << 20])
    func dropsWhitespaceBetweenTokensButNotInsideStrings(chunk: Int) throws {
        let text = """
            [
                { "ts" : "1736380801.000001", "text": "two  spaces,\\t\\"quoted\\" ] } [ ,",
                  "n": [ 1, 2 , {"a" : null} ] },
                {"ts":"2"}
            ]
            """
        let split = try Self.split(text, chunk: chunk)
        #expect(
            split.elements == [
                #"{"ts":"1736380801.000001","text":"two  spaces,\t\"quoted\" ] } [ ,","n":[1,2,{"a":null}]}"#,
                #"{"ts":"2"}"#,
            ])
    }

    @Test(arguments: [1, 7, 1 << 20])
    func findsTheArrayUnderAKeyAndHandsOnTheOtherMembers(chunk: Int) throws {
        let text = """
            {"guild": {"id": "1"}, "channel": {"id": "459136077417021488", "name": "a b"},
             "messages": [ {"id": "1"}, {"id": "2"} ], "messageCount": 2}
            """
        let split = try Self.split(text, shape: .member("messages"), chunk: chunk)
        #expect(split.elements == [#"{"id":"1"}"#, #"{"id":"2"}"#])
        #expect(split.members["channel"] == #"{"id":"459136077417021488","name":"a b"}"#)
        #expect(split.members["guild"] == #"{"id":"1"}"#)
        #expect(split.members["messageCount"] == "2")
    }

    @Test func cutsALongElementButCountsItsWholeLength() throws {
        let split = try Self.split(#"[{"t":"0123456789"}, {"t":"x"}]"#, max: 9)
        #expect(split.elements == [#"{"t":"012"#, #"{"t":"x"}"#])
        #expect(split.lengths == [18, 9])
    }

    @Test(arguments: [
        ("[{\"a\":1}", "ends before its array closes"),
        ("[{\"a\":1}}]", "closes nothing open"),
        ("[1] [2]", "bytes follow"),
        ("{\"a\":1}", "not a JSON array"),
        ("", "empty"),
        ("[1,,2]", "element is missing"),
    ])
    func rejectsABrokenStructure(text: String, why: String) {
        #expect {
            try Self.split(text)
        } throws: { error in
            (error as? JSONArraySplitter.Malformed)?.why.contains(why) == true
        }
    }

    @Test func refusesNestingWithoutEnd() {
        let deep = String(repeating: "[", count: 10_000)
        #expect {
            try Self.split(deep)
        } throws: { error in
            (error as? JSONArraySplitter.Malformed)?.why.contains("nests deeper than 160") == true
        }
    }

    @Test func handsOnTheElementsBeforeTheDamage() {
        var splitter = JSONArraySplitter(shape: .array, maxElementBytes: 100)
        var seen = 0
        #expect(throws: JSONArraySplitter.Malformed.self) {
            try Array(#"[{"a":1},{"b":2}]]"#.utf8).withUnsafeBytes { bytes in
                try splitter.feed(bytes) { _ in seen += 1 }
            }
        }
        #expect(seen == 2)
        #expect(splitter.elements == 2)
    }
}
