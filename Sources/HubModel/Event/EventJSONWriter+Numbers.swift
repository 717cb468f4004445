extension EventJSONWriter {
    /// An integer's decimal digits, as `JSONEncoder` writes an `Int64`.
    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so Int64.min has one too.
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buf in
            var i = buf.count
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
            } while v > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[i...]))
        }
    }

    /// A double as `JSONEncoder` writes it: its shortest round-trip description (what
    /// `Double.description` gives) less a trailing `.0`; NaN and infinities as null, as `JSONValue`
    /// sends them.
    mutating func number(_ d: Double) {
        guard d.isFinite else { return raw("null") }
        // `Double.write(to:)` hands its digits to the stream from a buffer on the stack; the
        // stream copies them into the line, so no `String` is made per number.
        let start = bytes.count
        var stream = ByteStream(bytes: [])
        swap(&stream.bytes, &bytes)
        d.write(to: &stream)
        swap(&stream.bytes, &bytes)
        let n = bytes.count
        if n - start >= 2, bytes[n - 2] == UInt8(ascii: "."), bytes[n - 1] == UInt8(ascii: "0") { bytes.removeLast(2) }
    }
}

/// A `TextOutputStream` into bytes. `_writeASCII` is the stream requirement the standard library's
/// number printing calls with its stack buffer; taking it here is what keeps a number from becoming
/// a `String` first (the default would build one per call).
struct ByteStream: TextOutputStream {
    var bytes: [UInt8]

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
