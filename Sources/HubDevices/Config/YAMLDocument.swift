import Foundation
import Yams

/// Decodes a YAML file into a `Decodable` and turns every failure into a `ConfigError` that names
/// the file, line, column and field, so an operator can fix a bad value without reading code.
public enum YAMLDocument {
    /// Reads a YAML file into `T`; any failure is a `ConfigError` with file, line, column and field.
    public static func load<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        try loadWithNode(type, path: path).value
    }

    /// Reads a YAML file into `T` with `resolver` typing its plain scalars. `Resolver.basic` (with merge) reads
    /// every plain scalar as text, as `YAMLDecoder` does from a string: a mapping key such as
    /// `720000000001` (a declaration number) stays found by its text instead of becoming an integer.
    package static func load<T: Decodable>(_ type: T.Type, path: String, resolver: Resolver) throws -> T {
        try loadWithNode(type, path: path, resolver: resolver).value
    }

    /// The decoded value and the document's node tree, for checks made after decoding.
    package static func loadWithNode<T: Decodable>(_ type: T.Type, path: String, resolver: Resolver = .default) throws -> (value: T, node: Node) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, column: nil, field: "", message: "cannot read: \(error)")
        }
        return try decode(type, yaml: text, file: path, resolver: resolver)
    }

    package static func decode<T: Decodable>(_ type: T.Type, yaml: String, file: String, resolver: Resolver = .default) throws -> (value: T, node: Node) {
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: yaml, resolver) else {
                throw ConfigError(file: file, line: 1, column: 1, field: "", message: "the document is empty")
            }
            node = n
        } catch let e as ConfigError {
            throw e
        } catch let e as YamlError {
            throw syntaxError(e, file: file)
        }
        do {
            return (try YAMLDecoder().decode(type, from: node), node)
        } catch let e as DecodingError {
            throw located(e, in: node, file: file)
        } catch let e as InvalidValue {
            throw error(at: e.codingPath, message: e.message, in: node, file: file)
        }
    }

    private static func syntaxError(_ e: YamlError, file: String) -> ConfigError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, field: "", message: "YAML: \(problem)")
        default:
            return ConfigError(file: file, line: nil, column: nil, field: "", message: "YAML: \(e)")
        }
    }

    private static func located(_ e: DecodingError, in root: Node, file: String) -> ConfigError {
        switch e {
        case .keyNotFound(let key, let ctx):
            return error(at: ctx.codingPath, message: "required field '\(key.stringValue)' is missing", in: root,
                         file: file, missingKey: key.stringValue)
        case .typeMismatch(let type, let ctx):
            return error(at: ctx.codingPath, message: "expected \(describe(type)); \(found(ctx.codingPath, root))",
                         in: root, file: file)
        case .valueNotFound(let type, let ctx):
            return error(at: ctx.codingPath, message: "expected \(describe(type)), got nothing", in: root, file: file)
        case .dataCorrupted(let ctx):
            return error(at: ctx.codingPath, message: ctx.debugDescription, in: root, file: file)
        @unknown default:
            return ConfigError(file: file, line: nil, column: nil, field: "", message: "\(e)")
        }
    }

    package static func error(
        at path: [any CodingKey], message: String, in root: Node, file: String, missingKey: String? = nil
    ) -> ConfigError {
        let node = lookup(path, in: root)
        let mark = node?.mark
        var field = fieldName(path)
        if let missingKey { field = field.isEmpty ? missingKey : field + "." + missingKey }
        return ConfigError(file: file, line: mark?.line, column: mark?.column, field: field, message: message)
    }

    /// The deepest node along `path` (the parent when the last key is missing).
    private static func lookup(_ path: [any CodingKey], in root: Node) -> Node? {
        var node = root
        for key in path {
            if let index = key.intValue, let seq = node.sequence {
                guard index < seq.count else { return node }
                node = seq[index]
            } else if let map = node.mapping {
                guard let child = map[key.stringValue] else { return node }
                node = child
            } else {
                return node
            }
        }
        return node
    }

    package static func fieldName(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue {
                out += "[\(i)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }

    private static func found(_ path: [any CodingKey], _ root: Node) -> String {
        guard let node = lookup(path, in: root) else { return "got nothing" }
        switch node {
        case .scalar(let s): return "got '\(s.string)'"
        case .mapping: return "got a mapping"
        case .sequence: return "got a list"
        case .alias: return "got an alias"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        default: "\(type)"
        }
    }
}

/// Coding key for reading a mapping's keys as they are, to reject ones a type does not know.
package struct AnyKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }
    package init(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { nil }
}

extension Decoder {
    /// Fails on keys outside `allowed`: a misspelt setting must not be silently ignored.
    package func rejectUnknownKeys<K: CodingKey & CaseIterable>(_: K.Type) throws {
        let c = try container(keyedBy: AnyKey.self)
        let known = Set(K.allCases.map(\.stringValue))
        for key in c.allKeys where !known.contains(key.stringValue) {
            let list = K.allCases.map(\.stringValue).sorted().joined(separator: ", ")
            throw InvalidValue(codingPath: codingPath + [key], message: "unknown field; expected one of: \(list)")
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a value and checks it, failing with `message` at the field when the check fails.
    package func decode<T: Decodable>(
        _ type: T.Type, forKey key: Key, default value: T? = nil, where valid: (T) -> Bool, expected message: String
    ) throws -> T {
        if let v = try decodeIfPresent(type, forKey: key, where: valid, expected: message) { return v }
        if let value { return value }
        return try decode(type, forKey: key)
    }

    /// An optional value, checked when present.
    package func decodeIfPresent<T: Decodable>(
        _ type: T.Type, forKey key: Key, where valid: (T) -> Bool, expected message: String
    ) throws -> T? {
        guard let v = try decodeIfPresent(type, forKey: key) else { return nil }
        guard valid(v) else {
            throw InvalidValue(codingPath: codingPath + [key], message: "expected \(message), got '\(v)'")
        }
        return v
    }
}
