using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CollabText.RichText;

/// <summary>
/// A Quill delta, immutable: the rich-text type's op (inserts, retains, deletes) and, when it holds inserts only, its
/// document. Read from JSON as ShareDB clients send it, a bare array of ops or <c>{"ops":[...]}</c>; written as
/// <c>{"ops":[...]}</c>, which is how a quill-delta <c>Delta</c> prints with JSON.stringify.
/// </summary>
public sealed class Delta : IEquatable<Delta>
{
    /// <summary>
    /// Longest delta accepted, in UTF-16 units summed over its ops; any two together still fit an int, so compose and
    /// transform results cannot overflow.
    /// </summary>
    public const int MaxLength = 1_000_000_000;

    private static readonly JsonWriterOptions RelaxedWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The ops are _ops[0.._count]: a delta built by the engine keeps its builder's array, slack and all, rather than
    // copying it to the exact size (that copy was a third of an apply's time on a long document).
    private readonly DeltaOp[] _ops;
    private readonly int _count;

    // Length * 2, plus 1 when every op is an insert; -1 until first asked. Apply needs both on every call, and a
    // delta never changes, so one walk over the ops serves them for good.
    private long _lengthAndShape = -1;

    public static Delta Empty { get; } = new([]);

    internal Delta(DeltaOp[] ops) : this(ops, ops.Length)
    {
    }

    internal Delta(DeltaOp[] ops, int count)
    {
        _ops = ops;
        _count = count;
    }

    /// <summary>A document (inserts only) whose length the caller knows: applying an op gives the document's length plus the op's change.</summary>
    internal Delta(DeltaOp[] ops, int count, int documentLength) : this(ops, count) => _lengthAndShape = (long)documentLength * 2 + 1;

    /// <summary>A delta of the given ops, as given (not merged or normalized, as quill-delta's constructor).</summary>
    public Delta(IEnumerable<DeltaOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        _ops = ops.ToArray();
        _count = _ops.Length;
        long total = 0;
        foreach (var op in Span)
        {
            if (op.Length <= 0) throw new InvalidDeltaException("An op made with default(DeltaOp) has no kind or length.");
            total += op.Length;
        }
        if (total > MaxLength)
            throw new InvalidDeltaException($"The delta spans {total} UTF-16 units, more than the largest delta ({MaxLength}).");
    }

    public IReadOnlyList<DeltaOp> Ops => new ArraySegment<DeltaOp>(_ops, 0, _count);

    /// <summary>The array the ops are in; only its first <see cref="Count"/> items are this delta's.</summary>
    internal DeltaOp[] OpsArray => _ops;

    public ReadOnlySpan<DeltaOp> Span => _ops.AsSpan(0, _count);

    public int Count => _count;

    /// <summary>True when every op is an insert: the shape of a rich-text document.</summary>
    public bool IsDocument => (LengthAndShape & 1) == 1;

    /// <summary>quill-delta's length(): every op's length summed (a document's length in UTF-16 units, embeds 1).</summary>
    public int Length => (int)(LengthAndShape >> 1);

    private long LengthAndShape
    {
        get
        {
            if (_lengthAndShape >= 0) return _lengthAndShape;
            int length = 0;
            long allInserts = 1;
            foreach (var op in Span)
            {
                length += op.Length;
                if (!op.IsInsert) allInserts = 0;
            }
            // A long, as a composed delta may span two deltas' MaxLength; written whole, so a racing reader sees -1 or the value.
            return _lengthAndShape = (long)length * 2 + allInserts;
        }
    }

    /// <summary>quill-delta's changeLength(): how much longer the document gets (inserts minus deletes).</summary>
    public int ChangeLength
    {
        get
        {
            int change = 0;
            foreach (var op in Span)
            {
                if (op.IsInsert) change += op.Length;
                else if (op.IsDelete) change -= op.Length;
            }
            return change;
        }
    }

    /// <summary>UTF-16 units of the document this op walks over (retains plus deletes); the document must be at least as long.</summary>
    public long InputLength
    {
        get
        {
            long length = 0;
            foreach (var op in Span)
            {
                if (!op.IsInsert) length += op.Length;
            }
            return length;
        }
    }

    /// <summary>The document's plain text: text inserts joined, each embed as U+FFFC (for display and tests).</summary>
    public string ToPlainText()
    {
        var text = new System.Text.StringBuilder();
        foreach (var op in Span)
        {
            if (op.Text is not null) text.Append(op.Text);
            else if (op.IsEmbed) text.Append('\uFFFC');
        }
        return text.ToString();
    }

    /// <summary>Parses JSON text; see <see cref="Parse(JsonElement)"/>.</summary>
    public static Delta Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement element;
        try
        {
            element = JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDeltaException($"The delta is not valid JSON: {e.Message}", e);
        }
        return Parse(element);
    }

    /// <summary>
    /// Reads a delta as ShareDB clients send it: an array of ops or an object whose only property is <c>ops</c>.
    /// Throws <see cref="InvalidDeltaException"/> naming the first thing wrong. Values are copied: the result does not
    /// depend on <paramref name="json"/>'s document.
    /// </summary>
    public static Delta Parse(JsonElement json)
    {
        JsonElement array = json;
        if (json.ValueKind == JsonValueKind.Object)
        {
            bool found = false;
            foreach (var property in json.EnumerateObject())
            {
                if (property.NameEquals("ops"))
                {
                    array = property.Value;
                    found = true;
                }
                else throw new InvalidDeltaException($"A delta object has only an \"ops\" array; found property \"{property.Name}\".");
            }
            if (!found) throw new InvalidDeltaException("A delta object needs an \"ops\" array.");
            if (array.ValueKind != JsonValueKind.Array)
                throw new InvalidDeltaException($"A delta's \"ops\" must be an array, got {DeltaOp.Describe(array.ValueKind)}.");
        }
        else if (json.ValueKind != JsonValueKind.Array)
            throw new InvalidDeltaException($"A delta must be an array of ops or {{\"ops\":[...]}}, got {DeltaOp.Describe(json.ValueKind)}.");

        var ops = new DeltaOp[array.GetArrayLength()];
        long total = 0;
        int i = 0;
        foreach (var element in array.EnumerateArray())
        {
            ops[i] = ParseOp(element, i);
            total += ops[i].Length;
            if (total > MaxLength)
                throw new InvalidDeltaException($"The delta spans more than {MaxLength} UTF-16 units (the largest delta accepted).");
            i++;
        }
        return new Delta(ops);
    }

    private static DeltaOp ParseOp(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid(index, $"an op must be an object, got {DeltaOp.Describe(element.ValueKind)}");
        JsonElement? insert = null, attributes = null;
        int? retain = null, delete = null;
        int kinds = 0;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "insert":
                    insert = property.Value;
                    kinds++;
                    break;
                case "retain":
                    retain = ReadLength(property.Value, "retain", index);
                    kinds++;
                    break;
                case "delete":
                    delete = ReadLength(property.Value, "delete", index);
                    kinds++;
                    break;
                case "attributes":
                    attributes = property.Value;
                    break;
                default:
                    throw Invalid(index, $"unknown property \"{property.Name}\" (an op has insert, retain or delete, and attributes)");
            }
        }
        if (kinds != 1) throw Invalid(index, "an op must have exactly one of insert, retain and delete");

        AttributeMap? map = null;
        if (attributes is { } a)
        {
            if (delete is not null) throw Invalid(index, "a delete has no attributes");
            if (a.ValueKind != JsonValueKind.Object)
                throw Invalid(index, $"attributes must be an object, got {DeltaOp.Describe(a.ValueKind)}");
            var entries = new List<KeyValuePair<string, JsonElement>>();
            foreach (var property in a.EnumerateObject())
                entries.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value.Clone()));
            map = AttributeMap.FromOwned(entries);
        }

        if (retain is { } r) return DeltaOp.TrustedRetain(r, map);
        if (delete is { } d) return DeltaOp.TrustedDelete(d);
        JsonElement value = insert!.Value;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                string text;
                try
                {
                    text = value.GetString()!;
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidDeltaException($"Invalid op at index {index}: inserted text is not valid Unicode ({e.Message}).", e);
                }
                if (text.Length == 0) throw Invalid(index, "an insert cannot be empty");
                if (!CodePoints.IsWellFormed(text)) throw Invalid(index, "inserted text contains an unpaired surrogate");
                return DeltaOp.TrustedText(text, map);
            case JsonValueKind.Object:
                return DeltaOp.InsertEmbed(value, map);
            default:
                throw Invalid(index, $"an insert must be a non-empty string or an embed object, got {DeltaOp.Describe(value.ValueKind)}");
        }
    }

    private static int ReadLength(JsonElement value, string kind, int index)
    {
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid(index, $"{kind} must be a positive integer, got {DeltaOp.Describe(value.ValueKind)}");
        if (!value.TryGetDouble(out double number) || number != Math.Floor(number) || number <= 0)
            throw Invalid(index, $"{kind} must be a positive integer, got {value.GetRawText()}");
        if (number > MaxLength) throw Invalid(index, $"{kind} {value.GetRawText()} is longer than the largest delta ({MaxLength})");
        return (int)number;
    }

    private static InvalidDeltaException Invalid(int index, string why) => new($"Invalid op at index {index}: {why}.");

    /// <summary>Writes <c>{"ops":[...]}</c>; each op has its insert, retain or delete first, then its attributes.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WritePropertyName("ops");
        WriteOpsTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes the bare array of ops (what rich-text's serialize returns).</summary>
    public void WriteOpsTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var op in Span) op.WriteTo(writer);
        writer.WriteEndArray();
    }

    /// <summary><c>{"ops":[...]}</c> as JSON.stringify prints a Delta (non-ASCII text written as itself).</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, RelaxedWriter)) WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The same JSON as <see cref="ToJson"/>, as an element that does not depend on any pooled document.</summary>
    public JsonElement ToJsonElement()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) WriteTo(writer);
        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    public bool Equals(Delta? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        return Span.SequenceEqual(other.Span);
    }

    public override bool Equals(object? obj) => obj is Delta other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var op in Span) hash.Add(op);
        return hash.ToHashCode();
    }

    public override string ToString() => ToJson();
}
