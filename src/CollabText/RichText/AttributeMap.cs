using System.Text.Json;

namespace CollabText.RichText;

/// <summary>
/// The formatting attached to an insert or set by a retain (<c>{"bold":true,"color":null}</c>): immutable, keys in the
/// order they were given, values any JSON (null on a retain removes the attribute). Compared as quill-delta compares
/// them (lodash isEqual): same keys, deeply equal values, order ignored.
/// </summary>
public sealed class AttributeMap : IEquatable<AttributeMap>
{
    private readonly KeyValuePair<string, JsonElement>[] _entries;

    private AttributeMap(KeyValuePair<string, JsonElement>[] entries) => _entries = entries;

    /// <summary>
    /// A map of the given entries, or null when there are none (an op without attributes has none, as quill-delta's
    /// insert and retain drop an empty map). Values are cloned so the map does not depend on the caller's document.
    /// </summary>
    public static AttributeMap? Create(IEnumerable<KeyValuePair<string, JsonElement>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = new List<KeyValuePair<string, JsonElement>>();
        foreach (var (key, value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (value.ValueKind == JsonValueKind.Undefined)
                throw new InvalidDeltaException($"Attribute '{key}' has no value.");
            int existing = list.FindIndex(e => e.Key == key);
            var entry = new KeyValuePair<string, JsonElement>(key, value.Clone());
            if (existing >= 0) list[existing] = entry;
            else list.Add(entry);
        }
        return list.Count == 0 ? null : new AttributeMap(list.ToArray());
    }

    /// <summary>Shorthand for tests and callers building ops in code: values are written with System.Text.Json.</summary>
    public static AttributeMap? Of(params (string Key, object? Value)[] entries) =>
        Create(entries.Select(e => new KeyValuePair<string, JsonElement>(e.Key, JsonSerializer.SerializeToElement(e.Value))));

    internal static AttributeMap? FromOwned(List<KeyValuePair<string, JsonElement>> entries) =>
        entries.Count == 0 ? null : new AttributeMap(entries.ToArray());

    public int Count => _entries.Length;

    public IReadOnlyList<KeyValuePair<string, JsonElement>> Entries => _entries;

    public bool TryGetValue(string key, out JsonElement value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>True when either map sets <paramref name="key"/> to null (removes it).</summary>
    internal bool HasNullValue
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (entry.Value.ValueKind == JsonValueKind.Null) return true;
            }
            return false;
        }
    }

    /// <summary>quill-delta's AttributeMap.compose: b over a; b's nulls are kept only when composing onto a retain.</summary>
    internal static AttributeMap? Compose(AttributeMap? a, AttributeMap? b, bool keepNull)
    {
        if (b is null) return a; // a's own nulls stay either way: only b's are dropped
        if (a is null && (keepNull || !b.HasNullValue)) return b;
        var result = new List<KeyValuePair<string, JsonElement>>((a?.Count ?? 0) + (b?.Count ?? 0));
        if (b is not null)
        {
            foreach (var entry in b._entries)
            {
                if (keepNull || entry.Value.ValueKind != JsonValueKind.Null) result.Add(entry);
            }
        }
        if (a is not null)
        {
            foreach (var entry in a._entries)
            {
                if (b is null || !b.ContainsKey(entry.Key)) result.Add(entry);
            }
        }
        return FromOwned(result);
    }

    /// <summary>
    /// quill-delta's AttributeMap.invert: the attributes that undo <paramref name="attributes"/> over text formatted
    /// with <paramref name="baseAttributes"/>. The reference compares values with JavaScript's <c>!==</c>, so two
    /// object or array values never count as equal there; we do the same.
    /// </summary>
    internal static AttributeMap? Invert(AttributeMap? attributes, AttributeMap? baseAttributes)
    {
        var result = new List<KeyValuePair<string, JsonElement>>();
        if (baseAttributes is not null)
        {
            foreach (var entry in baseAttributes._entries)
            {
                if (attributes is not null && attributes.TryGetValue(entry.Key, out JsonElement value)
                                           && !StrictlyEqual(entry.Value, value))
                    result.Add(entry);
            }
        }
        if (attributes is not null)
        {
            foreach (var entry in attributes._entries)
            {
                if (baseAttributes is null || !baseAttributes.ContainsKey(entry.Key))
                    result.Add(new KeyValuePair<string, JsonElement>(entry.Key, NullValue));
            }
        }
        return FromOwned(result);
    }

    /// <summary>
    /// quill-delta's AttributeMap.transform: <paramref name="b"/>'s formatting seen after <paramref name="a"/>'s. With
    /// priority, a keeps the keys it set; without, b's formatting stands whole.
    /// </summary>
    internal static AttributeMap? Transform(AttributeMap? a, AttributeMap? b, bool priority)
    {
        if (a is null) return b;
        if (b is null) return null;
        if (!priority) return b;
        var result = new List<KeyValuePair<string, JsonElement>>(b.Count);
        foreach (var entry in b._entries)
        {
            if (!a.ContainsKey(entry.Key)) result.Add(entry);
        }
        return result.Count == b.Count ? b : FromOwned(result);
    }

    internal static bool AreEqual(AttributeMap? a, AttributeMap? b) =>
        ReferenceEquals(a, b) || (a is not null && a.Equals(b));

    private static readonly JsonElement NullValue = JsonDocument.Parse("null").RootElement.Clone();

    // JavaScript's === on values that came out of JSON: primitives by value, objects and arrays never (each parse makes
    // a new object).
    private static bool StrictlyEqual(JsonElement x, JsonElement y) => (x.ValueKind, y.ValueKind) switch
    {
        (JsonValueKind.String, JsonValueKind.String) => x.ValueEquals(y.GetString()),
        (JsonValueKind.Number, JsonValueKind.Number) => x.GetDouble() == y.GetDouble(),
        (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False)
            or (JsonValueKind.Null, JsonValueKind.Null) => true,
        _ => false,
    };

    public bool Equals(AttributeMap? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._entries.Length != _entries.Length) return false;
        foreach (var entry in _entries)
        {
            if (!other.TryGetValue(entry.Key, out JsonElement value) || !JsonElement.DeepEquals(entry.Value, value))
                return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is AttributeMap other && Equals(other);

    public override int GetHashCode()
    {
        // Order-insensitive: keys only (values rarely differ under one key set in a hash table).
        int hash = _entries.Length;
        foreach (var entry in _entries) hash ^= StringComparer.Ordinal.GetHashCode(entry.Key);
        return hash;
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var entry in _entries)
        {
            writer.WritePropertyName(entry.Key);
            entry.Value.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    public override string ToString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
