extension EventJSONWriter {
    /// `gps.fix` data straight from the typed payload, without the `data` dictionary
    /// (`GPSFixPayload.json`) being built and sorted for every position: the same members, in the
    /// UTF-8 order the dictionary path sorts them into, absent ones left out as it leaves them out.
    /// `EventJSONWriterTests` hold the two paths to the same bytes.
    mutating func write(_ p: GPSFixPayload) {
        var members = Members()
        if let v = p.altitudeM { members.next(&self, "\"altitudeM\":"); number(v) }
        if let v = p.courseDeg { members.next(&self, "\"courseDeg\":"); number(v) }
        if let v = p.eventIO { members.next(&self, "\"eventIO\":"); integer(Int64(v)) }
        if let v = p.fixQuality { members.next(&self, "\"fixQuality\":"); integer(Int64(v)) }
        if let v = p.hdop { members.next(&self, "\"hdop\":"); number(v) }
        if let io = p.io {
            members.next(&self, "\"io\":")
            write(io)
        }
        members.next(&self, "\"lat\":")
        number(p.lat)
        members.next(&self, "\"lon\":")
        number(p.lon)
        if let v = p.priority { members.next(&self, "\"priority\":"); integer(Int64(v)) }
        if let v = p.satellites { members.next(&self, "\"satellites\":"); integer(Int64(v)) }
        if let v = p.sentence { members.next(&self, "\"sentence\":"); string(v) }
        members.next(&self, "\"source\":")
        string(p.source)
        if let v = p.speedKmh { members.next(&self, "\"speedKmh\":"); number(v) }
        if let v = p.talker { members.next(&self, "\"talker\":"); string(v) }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Tracker I/O elements, keys in UTF-8 order as the dictionary path sorts them.
    private mutating func write(_ io: [String: GPSFixPayload.IOValue]) {
        var members = Members()
        for (k, v) in io.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            members.next(&self)
            string(k)
            bytes.append(UInt8(ascii: ":"))
            switch v {
            case .int(let i): integer(i)
            case .string(let s): string(s)
            }
        }
        if members.isEmpty { bytes.append(UInt8(ascii: "{")) }
        bytes.append(UInt8(ascii: "}"))
    }
}

/// Opens an object before its first member and puts commas between the rest.
private struct Members {
    private(set) var isEmpty = true

    mutating func next(_ w: inout EventJSONWriter) {
        w.bytes.append(isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
        isEmpty = false
    }

    mutating func next(_ w: inout EventJSONWriter, _ key: StaticString) {
        next(&w)
        w.raw(key)
    }
}
