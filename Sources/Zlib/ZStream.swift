import CZlib

/// Owns one heap-allocated `z_stream` for the life of a (de)compression and ends it in `deinit`.
///
/// zlib keeps a pointer back to the `z_stream` in its internal state and checks it on every
/// call, so the struct must not move: it lives in manually allocated memory, never in a Swift
/// `var` that could be copied.
final class ZStream {
    enum Kind: String { case deflate, inflate }

    let pointer: UnsafeMutablePointer<z_stream>
    private let kind: Kind
    private var initialised = false

    /// The largest slice handed to zlib at once (`avail_in` is 32-bit).
    static let maximumSlice = 1 << 30
    /// Output is produced through a buffer of this size.
    static let outputChunk = 64 * 1024

    /// A stream for deflate at `level`, or for inflate, with zlib `windowBits`.
    init(_ kind: Kind, windowBits: Int32, level: Int32 = Z_DEFAULT_COMPRESSION) throws(ZlibError) {
        self.kind = kind
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let result: Int32
        switch kind {
        case .deflate: result = fs_deflate_init2(pointer, level, windowBits)
        case .inflate: result = fs_inflate_init2(pointer, windowBits)
        }
        guard result == Z_OK else {
            throw ZlibError(result == Z_MEM_ERROR ? .resourceExhausted : .corrupt,
                            message: "\(kind.rawValue)Init2 returned \(result)")
        }
        initialised = true
    }

    deinit {
        if initialised {
            switch kind {
            case .deflate: deflateEnd(pointer)
            case .inflate: inflateEnd(pointer)
            }
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    /// Input bytes zlib has been given but not yet consumed.
    var pendingInput: Int { Int(pointer.pointee.avail_in) }

    /// zlib's last message, or a fallback naming the return code.
    func message(orCode code: Int32) -> String {
        if let msg = pointer.pointee.msg { return String(cString: msg) }
        return "zlib returned \(code)"
    }

    /// Points zlib at the next slice of `input`, starting at `offset`; returns the new offset.
    /// Must be called only while `input` stays valid for the following `run` calls.
    /// Sets a preset dictionary: for deflate right after init, for a raw inflate right after
    /// init, for a zlib inflate when it answers `Z_NEED_DICT` (the corresponding C functions are
    /// `deflateSetDictionary` and `inflateSetDictionary`).
    func setDictionary(_ dictionary: [UInt8], for kind: Kind) throws(ZlibError) {
        let code = dictionary.withUnsafeBufferPointer { buffer in
            kind == .deflate
                ? deflateSetDictionary(pointer, buffer.baseAddress, uInt(buffer.count))
                : inflateSetDictionary(pointer, buffer.baseAddress, uInt(buffer.count))
        }
        guard code == Z_OK else { throw ZlibError(.corrupt, message: message(orCode: code)) }
    }

    func feed(_ input: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int {
        let length = min(input.count - offset, Self.maximumSlice)
        pointer.pointee.next_in = length > 0 ? UnsafeMutablePointer(mutating: input.baseAddress! + offset) : nil
        pointer.pointee.avail_in = UInt32(length)
        return offset + length
    }

    /// Runs `step` (one `deflate` or `inflate` call) into a fresh output chunk and returns the
    /// step's result code and the bytes it produced.
    func run(_ step: (UnsafeMutablePointer<z_stream>) -> Int32) -> (code: Int32, produced: ArraySlice<UInt8>) {
        var chunk = [UInt8](repeating: 0, count: Self.outputChunk)
        let (code, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
            pointer.pointee.next_out = buffer.baseAddress
            pointer.pointee.avail_out = UInt32(buffer.count)
            let code = step(pointer)
            let produced = buffer.count - Int(pointer.pointee.avail_out)
            pointer.pointee.next_out = nil
            pointer.pointee.avail_out = 0
            return (code, produced)
        }
        return (code, chunk[..<produced])
    }
}
