/// Reading into a `JSONValue` without a `switch`: `value["victims"]?[0]?["ageBand"]`.
extension JSONValue {
    /// The member named `key` when this is an object holding it; nil otherwise.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` when this is an array and `index` is in range; nil otherwise.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }
}
