using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CollabText.Json0;

/// <summary>
/// An immutable JSON value: a json0 document or a value inside an op. Edits return a new value sharing every part
/// they did not touch, so a snapshot can be handed to other threads and an apply never changes its input.
/// Numbers are doubles (as in JavaScript), and object keys keep JavaScript's order: array-index keys ("0", "7")
/// first in ascending order, then the others in insertion order, so <see cref="ToJson"/> prints what
/// <c>JSON.stringify</c> prints for the same value.
/// </summary>
public sealed class Json0Value : IEquatable<Json0Value>
{
    // Objects with more keys than this get a key → position index, built on first lookup.
    private const int LinearLookupLimit = 8;

    private readonly double _number;
    private readonly string? _string;
    private readonly Json0Value[]? _items; // array items, or object values in key order
    private readonly string[]? _keys; // object keys, JavaScript order
    private Dictionary<string, int>? _index;
    private long _jsonLength = -1; // not counted yet

    // The Json0Document whose edits made this container and may still change its items in place; null for every value
    // anyone else can hold (see Json0Document: a snapshot it hands out is never changed again).
    private readonly Json0DocumentOwner? _owner;

    public static Json0Value Null { get; } = new(Json0ValueKind.Null);
    public static Json0Value True { get; } = new(Json0ValueKind.True);
    public static Json0Value False { get; } = new(Json0ValueKind.False);
    public static Json0Value EmptyArray { get; } = new(Json0ValueKind.Array, items: []);
    public static Json0Value EmptyObject { get; } = new(Json0ValueKind.Object, items: [], keys: []);

    private Json0Value(Json0ValueKind kind, double number = 0, string? text = null, Json0Value[]? items = null, string[]? keys = null,
        Json0DocumentOwner? owner = null)
    {
        Kind = kind;
        _number = number;
        _string = text;
        _items = items;
        _keys = keys;
        _owner = owner;
    }

    // True when the owner's edit may change this container's items in place instead of copying them.
    private bool IsOwnedBy(Json0DocumentOwner? owner) => owner is not null && ReferenceEquals(_owner, owner);

    public Json0ValueKind Kind { get; }

    public bool IsNumber => Kind == Json0ValueKind.Number;
    public bool IsString => Kind == Json0ValueKind.String;
    public bool IsArray => Kind == Json0ValueKind.Array;
    public bool IsObject => Kind == Json0ValueKind.Object;

    /// <summary>A number; throws for NaN and infinities, which JSON cannot hold.</summary>
    public static Json0Value Number(double value)
    {
        if (!double.IsFinite(value)) throw new InvalidJson0OpException($"A JSON number must be finite, got {value}.");
        return new Json0Value(Json0ValueKind.Number, number: value);
    }

    public static Json0Value String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Json0Value(Json0ValueKind.String, text: value);
    }

    public static Json0Value Boolean(bool value) => value ? True : False;

    public static Json0Value Array(IEnumerable<Json0Value> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Json0Value[] copy = items.ToArray();
        foreach (Json0Value item in copy) ArgumentNullException.ThrowIfNull(item, nameof(items));
        return FromItems(copy);
    }

    /// <summary>An object from properties in any order; a repeated key keeps its first place and its last value, as JSON.parse does.</summary>
    public static Json0Value Object(IEnumerable<KeyValuePair<string, Json0Value>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var builder = new ObjectBuilder();
        foreach (var (key, value) in properties)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(properties));
            ArgumentNullException.ThrowIfNull(value, nameof(properties));
            builder.Set(key, value);
        }
        return builder.Build();
    }

    internal static Json0Value FromItems(Json0Value[] items, Json0DocumentOwner? owner = null) =>
        items.Length == 0 ? EmptyArray : new Json0Value(Json0ValueKind.Array, items: items, owner: owner);

    public double AsNumber() => Kind == Json0ValueKind.Number ? _number : throw WrongKind("a number");

    public string AsString() => _string ?? throw WrongKind("a string");

    public bool AsBoolean() => Kind switch
    {
        Json0ValueKind.True => true,
        Json0ValueKind.False => false,
        _ => throw WrongKind("a boolean"),
    };

    /// <summary>Items of an array or properties of an object.</summary>
    public int Count => _items?.Length ?? throw WrongKind("an array or object");

    /// <summary>An array's item.</summary>
    public Json0Value this[int index] => Kind == Json0ValueKind.Array ? _items![index] : throw WrongKind("an array");

    internal ReadOnlySpan<Json0Value> Items => Kind == Json0ValueKind.Array ? _items : throw WrongKind("an array");

    /// <summary>An object's keys in JavaScript order.</summary>
    public IReadOnlyList<string> Keys => _keys ?? throw WrongKind("an object");

    /// <summary>An object's properties in JavaScript order.</summary>
    public IEnumerable<KeyValuePair<string, Json0Value>> Properties
    {
        get
        {
            string[] keys = _keys ?? throw WrongKind("an object");
            Json0Value[] values = _items!;
            for (int i = 0; i < keys.Length; i++) yield return new(keys[i], values[i]);
        }
    }

    public bool TryGetProperty(string key, out Json0Value value)
    {
        int at = IndexOfKey(key);
        value = at >= 0 ? _items![at] : Null;
        return at >= 0;
    }

    private InvalidOperationException WrongKind(string expected) => new($"This JSON value is {KindName}, not {expected}.");

    internal string KindName => Kind switch
    {
        Json0ValueKind.Null => "null",
        Json0ValueKind.False or Json0ValueKind.True => "a boolean",
        Json0ValueKind.Number => "a number",
        Json0ValueKind.String => "a string",
        Json0ValueKind.Array => "a list",
        _ => "an object",
    };

    internal int IndexOfKey(string key)
    {
        string[] keys = _keys ?? throw WrongKind("an object");
        if (keys.Length <= LinearLookupLimit)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (string.Equals(keys[i], key, StringComparison.Ordinal)) return i;
            }
            return -1;
        }
        Dictionary<string, int>? index = _index;
        if (index is null)
        {
            index = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
            for (int i = 0; i < keys.Length; i++) index[keys[i]] = i;
            _index = index; // a benign race: any thread builds the same index
        }
        return index.TryGetValue(key, out int at) ? at : -1;
    }

    /// <summary>The value of an object's property at a position from <see cref="IndexOfKey"/>.</summary>
    internal Json0Value ValueAt(int position) => _items![position];

    // --- edits: each returns a new value ------------------------------------------------------------------------

    // An owner (see Json0Document) may change its own containers in place: only replacing an item or a property's value,
    // which keeps the array's length and an object's keys (and so its key index). Everything else copies, and the copy
    // belongs to the owner.

    internal Json0Value WithValueAt(int position, Json0Value value, Json0DocumentOwner? owner = null)
    {
        if (IsOwnedBy(owner))
        {
            _items![position] = value;
            return this;
        }
        Json0Value[] copy = _items!.AsSpan().ToArray();
        copy[position] = value;
        return new Json0Value(Json0ValueKind.Object, items: copy, keys: _keys, owner: owner) { _index = _index }; // same keys, same index
    }

    internal Json0Value WithItem(int index, Json0Value item, Json0DocumentOwner? owner = null)
    {
        if (IsOwnedBy(owner))
        {
            _items![index] = item;
            return this;
        }
        Json0Value[] items = _items!.AsSpan().ToArray();
        items[index] = item;
        return FromItems(items, owner);
    }

    internal Json0Value InsertItem(int index, Json0Value item, Json0DocumentOwner? owner = null)
    {
        Json0Value[] old = _items!;
        var items = new Json0Value[old.Length + 1];
        System.Array.Copy(old, 0, items, 0, index);
        items[index] = item;
        System.Array.Copy(old, index, items, index + 1, old.Length - index);
        return FromItems(items, owner);
    }

    internal Json0Value RemoveItem(int index, Json0DocumentOwner? owner = null)
    {
        Json0Value[] old = _items!;
        var items = new Json0Value[old.Length - 1];
        System.Array.Copy(old, 0, items, 0, index);
        System.Array.Copy(old, index + 1, items, index, old.Length - index - 1);
        return FromItems(items, owner);
    }

    internal Json0Value MoveItem(int from, int to, Json0DocumentOwner? owner = null)
    {
        Json0Value[] items = _items!.AsSpan().ToArray();
        Json0Value moved = items[from];
        if (from < to) System.Array.Copy(items, from + 1, items, from, to - from);
        else System.Array.Copy(items, to, items, to + 1, from - to);
        items[to] = moved;
        return FromItems(items, owner);
    }

    /// <summary>Sets a property: an existing key keeps its place, a new one goes where JavaScript would put it.</summary>
    internal Json0Value WithProperty(string key, Json0Value value, Json0DocumentOwner? owner = null)
    {
        int at = IndexOfKey(key);
        string[] keys = _keys!;
        Json0Value[] values = _items!;
        if (at >= 0) return WithValueAt(at, value, owner);
        int place = InsertionPlace(keys, key);
        var newKeys = new string[keys.Length + 1];
        var newValues = new Json0Value[keys.Length + 1];
        System.Array.Copy(keys, 0, newKeys, 0, place);
        System.Array.Copy(values, 0, newValues, 0, place);
        newKeys[place] = key;
        newValues[place] = value;
        System.Array.Copy(keys, place, newKeys, place + 1, keys.Length - place);
        System.Array.Copy(values, place, newValues, place + 1, keys.Length - place);
        return new Json0Value(Json0ValueKind.Object, items: newValues, keys: newKeys, owner: owner);
    }

    internal Json0Value WithoutProperty(string key, Json0DocumentOwner? owner = null)
    {
        int at = IndexOfKey(key);
        if (at < 0) return this;
        string[] keys = _keys!;
        if (keys.Length == 1) return EmptyObject;
        Json0Value[] values = _items!;
        var newKeys = new string[keys.Length - 1];
        var newValues = new Json0Value[keys.Length - 1];
        System.Array.Copy(keys, 0, newKeys, 0, at);
        System.Array.Copy(values, 0, newValues, 0, at);
        System.Array.Copy(keys, at + 1, newKeys, at, keys.Length - at - 1);
        System.Array.Copy(values, at + 1, newValues, at, keys.Length - at - 1);
        return new Json0Value(Json0ValueKind.Object, items: newValues, keys: newKeys, owner: owner);
    }

    // Array-index keys come first in ascending order; any other key goes last.
    private static int InsertionPlace(string[] keys, string key)
    {
        if (!TryArrayIndex(key, out uint index)) return keys.Length;
        int place = 0;
        while (place < keys.Length && TryArrayIndex(keys[place], out uint other) && other < index) place++;
        return place;
    }

    /// <summary>An ECMAScript array index: "0" or digits without a leading zero, up to 2^32 − 2.</summary>
    internal static bool TryArrayIndex(string key, out uint index)
    {
        index = 0;
        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0')) return false;
        ulong value = 0;
        foreach (char c in key)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (uint)(c - '0');
        }
        if (value > uint.MaxValue - 1) return false;
        index = (uint)value;
        return true;
    }

    // --- reading and writing JSON ----------------------------------------------------------------------------

    /// <summary>Reads any JSON value. Numbers become doubles, as JSON.parse makes them; one too large for a double is refused.</summary>
    public static Json0Value Parse(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return Null;
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.String:
                return String(JavaScriptJson.ReadString(element));
            case JsonValueKind.Number:
            {
                double value = element.GetDouble();
                if (!double.IsFinite(value))
                    throw new InvalidJson0OpException($"The number {element.GetRawText()} is too large for a JSON number.");
                return new Json0Value(Json0ValueKind.Number, number: value);
            }
            case JsonValueKind.Array:
            {
                var items = new Json0Value[element.GetArrayLength()];
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray()) items[i++] = Parse(item);
                return FromItems(items);
            }
            case JsonValueKind.Object:
            {
                var builder = new ObjectBuilder();
                foreach (JsonProperty property in element.EnumerateObject()) builder.Set(property.Name, Parse(property.Value));
                return builder.Build();
            }
            default:
                throw new InvalidJson0OpException($"Not a JSON value: {element.ValueKind}.");
        }
    }

    /// <summary>Reads JSON text; throws <see cref="InvalidJson0OpException"/> if it is not one JSON value.</summary>
    public static Json0Value Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidJson0OpException($"Not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>From a System.Text.Json node (a C# null is JSON null).</summary>
    public static Json0Value FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return Null;
            case JsonArray array:
            {
                var items = new Json0Value[array.Count];
                for (int i = 0; i < items.Length; i++) items[i] = FromNode(array[i]);
                return FromItems(items);
            }
            case JsonObject obj:
            {
                var builder = new ObjectBuilder();
                foreach (var (key, value) in obj) builder.Set(key, FromNode(value));
                return builder.Build();
            }
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.Null => Null,
                    JsonValueKind.True => True,
                    JsonValueKind.False => False,
                    JsonValueKind.String => String(node.GetValue<string>()),
                    // A node may wrap any CLR number; its JSON text is the one form every wrapper has.
                    JsonValueKind.Number => Number(double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)),
                    var kind => throw new InvalidJson0OpException($"Not a JSON value: {kind}."),
                };
        }
    }

    /// <summary>A new, independent System.Text.Json node with this value (JSON null is a C# null).</summary>
    public JsonNode? ToNode()
    {
        switch (Kind)
        {
            case Json0ValueKind.Null:
                return null;
            case Json0ValueKind.True:
                return JsonValue.Create(true);
            case Json0ValueKind.False:
                return JsonValue.Create(false);
            case Json0ValueKind.Number:
                return JsonValue.Create(_number);
            case Json0ValueKind.String:
                return JsonValue.Create(_string);
            case Json0ValueKind.Array:
            {
                var array = new JsonArray();
                foreach (Json0Value item in _items!) array.Add(item.ToNode());
                return array;
            }
            default:
            {
                var obj = new JsonObject();
                for (int i = 0; i < _keys!.Length; i++) obj[_keys[i]] = _items![i].ToNode();
                return obj;
            }
        }
    }

    /// <summary>The JSON text JavaScript's JSON.stringify gives for this value.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        AppendJson(sb);
        return sb.ToString();
    }

    public override string ToString() => ToJson();

    /// <summary>
    /// <c>ToJson().Length</c>, counted without writing the text. Kept once counted: values are immutable and an op
    /// rebuilds only the containers on its paths, so after an op only those are counted again (the document size
    /// bound checks every op this way).
    /// </summary>
    public long JsonLength
    {
        get
        {
            if (_jsonLength >= 0) return _jsonLength;
            long length = Kind switch
            {
                Json0ValueKind.Null or Json0ValueKind.True => 4,
                Json0ValueKind.False => 5,
                Json0ValueKind.Number => JavaScriptJson.FormatNumber(_number).Length,
                Json0ValueKind.String => JavaScriptJson.StringLength(_string!),
                // Brackets and the commas between items; an object's keys and colons too.
                _ => 2 + Math.Max(0, _items!.Length - 1),
            };
            if (_items is not null)
                for (int i = 0; i < _items.Length; i++)
                    length += _items[i].JsonLength + (_keys is null ? 0 : JavaScriptJson.StringLength(_keys[i]) + 1);
            return _jsonLength = length;
        }
    }

    /// <summary>Writes the value as <see cref="ToJson"/> prints it.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(ToJson(), skipInputValidation: true);
    }

    internal void AppendJson(StringBuilder sb)
    {
        switch (Kind)
        {
            case Json0ValueKind.Null:
                sb.Append("null");
                break;
            case Json0ValueKind.True:
                sb.Append("true");
                break;
            case Json0ValueKind.False:
                sb.Append("false");
                break;
            case Json0ValueKind.Number:
                JavaScriptJson.AppendNumber(sb, _number);
                break;
            case Json0ValueKind.String:
                JavaScriptJson.AppendString(sb, _string!);
                break;
            case Json0ValueKind.Array:
                sb.Append('[');
                for (int i = 0; i < _items!.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    _items[i].AppendJson(sb);
                }
                sb.Append(']');
                break;
            default:
                sb.Append('{');
                for (int i = 0; i < _keys!.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    JavaScriptJson.AppendString(sb, _keys[i]);
                    sb.Append(':');
                    _items![i].AppendJson(sb);
                }
                sb.Append('}');
                break;
        }
    }

    // --- equality ----------------------------------------------------------------------------------------------

    /// <summary>
    /// JavaScript's <c>===</c> on the value the reference would hold: equal primitives are equal, and two objects
    /// or arrays never are (they are separate copies there), unless they are this very instance.
    /// </summary>
    internal static bool StrictEquals(Json0Value? a, Json0Value? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Kind != b.Kind) return false;
        return a.Kind switch
        {
            Json0ValueKind.Number => a._number == b._number,
            Json0ValueKind.String => string.Equals(a._string, b._string, StringComparison.Ordinal),
            Json0ValueKind.Array or Json0ValueKind.Object => false,
            _ => true,
        };
    }

    /// <summary>Deep equality: same kind and content; object properties compared by key, whatever their order.</summary>
    public bool Equals(Json0Value? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Kind != Kind) return false;
        switch (Kind)
        {
            case Json0ValueKind.Number:
                return _number == other._number;
            case Json0ValueKind.String:
                return string.Equals(_string, other._string, StringComparison.Ordinal);
            case Json0ValueKind.Array:
                if (_items!.Length != other._items!.Length) return false;
                for (int i = 0; i < _items.Length; i++)
                {
                    if (!_items[i].Equals(other._items[i])) return false;
                }
                return true;
            case Json0ValueKind.Object:
                if (_keys!.Length != other._keys!.Length) return false;
                for (int i = 0; i < _keys.Length; i++)
                {
                    if (!other.TryGetProperty(_keys[i], out Json0Value value) || !_items![i].Equals(value)) return false;
                }
                return true;
            default:
                return true;
        }
    }

    public override bool Equals(object? obj) => Equals(obj as Json0Value);

    public override int GetHashCode()
    {
        switch (Kind)
        {
            case Json0ValueKind.Number:
                return HashCode.Combine(Kind, _number == 0 ? 0.0 : _number);
            case Json0ValueKind.String:
                return HashCode.Combine(Kind, _string);
            case Json0ValueKind.Array:
            {
                var hash = new HashCode();
                hash.Add(Kind);
                foreach (Json0Value item in _items!) hash.Add(item.GetHashCode());
                return hash.ToHashCode();
            }
            case Json0ValueKind.Object:
            {
                int hash = (int)Kind;
                for (int i = 0; i < _keys!.Length; i++) hash ^= HashCode.Combine(_keys[i], _items![i].GetHashCode()); // order-free
                return hash;
            }
            default:
                return (int)Kind;
        }
    }

    /// <summary>Collects properties in JavaScript order without an O(n²) walk for big objects.</summary>
    private sealed class ObjectBuilder
    {
        private readonly List<string> _indexKeys = []; // array-index keys, sorted at Build
        private readonly List<string> _otherKeys = [];
        private readonly Dictionary<string, Json0Value> _values = new(StringComparer.Ordinal);

        public void Set(string key, Json0Value value)
        {
            if (_values.TryAdd(key, value))
            {
                if (TryArrayIndex(key, out _)) _indexKeys.Add(key);
                else _otherKeys.Add(key);
            }
            else
            {
                _values[key] = value;
            }
        }

        public Json0Value Build()
        {
            if (_values.Count == 0) return EmptyObject;
            _indexKeys.Sort((a, b) =>
            {
                TryArrayIndex(a, out uint x);
                TryArrayIndex(b, out uint y);
                return x.CompareTo(y);
            });
            var keys = new string[_values.Count];
            var values = new Json0Value[keys.Length];
            int i = 0;
            foreach (string key in _indexKeys.Concat(_otherKeys))
            {
                keys[i] = key;
                values[i++] = _values[key];
            }
            return new Json0Value(Json0ValueKind.Object, items: values, keys: keys);
        }
    }
}
