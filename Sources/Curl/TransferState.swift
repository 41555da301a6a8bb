import CCurl
import Synchronization

/// Set from any thread to ask a running transfer to stop; read by libcurl's progress callback.
final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

/// What one transfer has received so far. libcurl's callbacks reach it through the user-data
/// pointer; it is touched only on the client's queue, inside `curl_easy_perform`.
final class TransferState {
    /// Why the wrapper stopped a transfer itself, which overrides libcurl's generic result code.
    enum AbortReason { case cancelled, bodyTooLarge, headersTooLarge }

    /// No legitimate hub response has this much header data; a server that sends more is broken
    /// or hostile.
    static let maxHeaderBytes = 256 * 1024

    let maxBodyBytes: Int
    let cancellation: CancellationFlag
    var body: [UInt8] = []
    var headers: [HTTPHeader] = []
    var headerBytes = 0
    var abortReason: AbortReason?

    init(maxBodyBytes: Int, cancellation: CancellationFlag) {
        self.maxBodyBytes = maxBodyBytes
        self.cancellation = cancellation
    }

    /// Appends body bytes; false (abort) when the cap would be exceeded or on cancellation.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if cancellation.isRaised {
            abortReason = .cancelled
            return false
        }
        guard body.count + bytes.count <= maxBodyBytes else {
            abortReason = .bodyTooLarge
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Takes one raw header line (libcurl delivers exactly one per call, CRLF included).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= Self.maxHeaderBytes else {
            abortReason = .headersTooLarge
            return false
        }
        // Trim CR/LF as bytes: in a Swift String "\r\n" is one Character.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0a || bytes[end - 1] == 0x0d { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new status line: an interim (1xx) or proxy response came before; start over.
            headers.removeAll()
            headerBytes = bytes.count
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // Obsolete line folding: continues the previous value.
            headers[headers.count - 1].value += " " + line.trimmingSpaces()
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            headers.append(HTTPHeader(name, value))
        }
        return true
    }

    /// Progress tick: false (abort) once cancellation is requested.
    func progress() -> Bool {
        if cancellation.isRaised {
            abortReason = .cancelled
            return false
        }
        return true
    }
}

extension String {
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

// libcurl callbacks. Each gets the TransferState back from its user-data pointer; the state
// outlives the transfer because `CurlEasy.perform` holds it across `curl_easy_perform`.

let curlWriteCallback: fs_curl_data_cb = { data, size, count, user in
    let total = size * count
    guard let user else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: total)
    // Returning anything other than `total` makes libcurl stop with CURLE_WRITE_ERROR.
    return state.receiveBody(bytes) ? total : 0
}

let curlHeaderCallback: fs_curl_data_cb = { data, size, count, user in
    let total = size * count
    guard let user else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    return state.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
}

let curlProgressCallback: fs_curl_xferinfo_cb = { user, _, _, _, _ in
    guard let user else { return 1 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    // Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
    return state.progress() ? 0 : 1
}
