using System.Text.Json;
using CollabText;

namespace CollabClient.Wire;

/// <summary>
/// Reads the hot messages, op (<c>a:"op"</c>) and presence (<c>a:"p"</c>), in one forward pass over the frame's UTF-8
/// JSON, with no tree. It only ever gives what reading the frame's JSON object would give: a frame that is anything
/// but a well-formed op or presence message (another action, a field of an unexpected type or repeated, an op that
/// is not a text-unicode op, a create, JSON that does not parse) gives null, and the caller reads it as a tree, whose
/// reading defines every error. Field order does not matter and unknown fields are skipped.
/// </summary>
internal static class OpAndPresenceReader
{
    private static readonly TextOpJsonConverter OpConverter = new();

    // Servers send a few fields the client does not use (presence's ch, pv, t; ShareDB's m); more goes to the tree.
    private const int MaxUnknownFields = 8;

    /// <summary>The message, or null if the frame must be read as a tree.</summary>
    public static IncomingMessage? TryRead(ReadOnlyMemory<byte> json, JsonReaderOptions options)
    {
        try
        {
            return Read(json, options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or TextOpException)
        {
            return null;
        }
    }

    private enum Action
    {
        Unknown,
        Op,
        Presence,
    }

    private enum Field
    {
        Other,
        A, C, D, V, Src, Seq, Error, Op, Create, Del, Id, P,
    }

    private static IncomingMessage? Read(ReadOnlyMemory<byte> json, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(json.Span, options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        Action action = Action.Unknown;
        int seen = 0;
        string? collection = null, documentId = null, src = null, presenceId = null;
        long? version = null, seq = null;
        ShareDbServerException? error = null;
        TextOp? op = null;
        ReadOnlyMemory<byte> presenceValue = ReadOnlyMemory<byte>.Empty;
        // The tree refuses a frame with a repeated key, so unknown names are remembered too (where they are in the frame).
        Span<Range> unknownNames = stackalloc Range[MaxUnknownFields];
        int unknownCount = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = FieldOf(ref reader);
            if (field == Field.Create) return null;
            // A repeated field is for the tree to judge.
            if (field != Field.Other)
            {
                if ((seen & (1 << (int)field)) != 0) return null;
                seen |= 1 << (int)field;
            }
            else if (!Remember(reader.ValueSpan, (int)reader.TokenStartIndex, json.Span, unknownNames, ref unknownCount))
            {
                return null;
            }
            if (!reader.Read()) return null;
            switch (field)
            {
                case Field.A:
                    if (reader.TokenType != JsonTokenType.String) return null;
                    action = reader.ValueTextEquals("op"u8) ? Action.Op : reader.ValueTextEquals("p"u8) ? Action.Presence : Action.Unknown;
                    // Any other action is read as a tree; servers write the action first, so this costs little.
                    if (action == Action.Unknown) return null;
                    break;
                case Field.C:
                    if (!TryString(ref reader, out collection)) return null;
                    break;
                case Field.D:
                    if (!TryString(ref reader, out documentId)) return null;
                    break;
                case Field.Src:
                    if (!TryString(ref reader, out src)) return null;
                    break;
                case Field.Id:
                    if (!TryString(ref reader, out presenceId)) return null;
                    break;
                case Field.V:
                    if (!TryLong(ref reader, out version)) return null;
                    break;
                case Field.Seq:
                    if (!TryLong(ref reader, out seq)) return null;
                    break;
                case Field.Error:
                    if (!TryError(ref reader, out error)) return null;
                    break;
                case Field.Op:
                    if (reader.TokenType != JsonTokenType.StartArray) return null;
                    op = OpConverter.Read(ref reader, typeof(TextOp), JsonSerializerOptions.Default);
                    break;
                case Field.P:
                    presenceValue = RawValue(ref reader, json);
                    break;
                default:
                    // del's value does not matter (that it is there makes the op a delete); unknown fields are skipped.
                    reader.Skip();
                    break;
            }
        }
        // The object must end the frame (the reader throws on anything but whitespace after it).
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        bool Has(Field f) => (seen & (1 << (int)f)) != 0;
        return action switch
        {
            Action.Op => new IncomingOp(collection, documentId, seq ?? -1, src, error, error is null ? version : null,
                Has(Field.Op) ? IncomingOpChange.Edit : Has(Field.Del) ? IncomingOpChange.Delete : IncomingOpChange.None,
                op, CreateText: null, BodyError: null),
            Action.Presence => new IncomingPresence(collection, documentId, src, presenceId, error, presenceValue),
            _ => null,
        };
    }

    /// <summary>Notes an unknown field's name; false if it was seen before or there are too many to check cheaply.</summary>
    private static bool Remember(ReadOnlySpan<byte> name, int tokenStart, ReadOnlySpan<byte> json, Span<Range> names, ref int count)
    {
        foreach (Range earlier in names[..count])
            if (json[earlier].SequenceEqual(name)) return false;
        if (count == names.Length) return false;
        // The name's bytes sit just after its opening quote (names are unescaped, see FieldOf).
        int start = tokenStart + 1;
        names[count++] = new Range(start, start + name.Length);
        return true;
    }

    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        // Escaped names are rare enough to leave to the tree, which unescapes them.
        if (reader.ValueIsEscaped) throw new InvalidOperationException("escaped property name");
        ReadOnlySpan<byte> name = reader.ValueSpan;
        return name.Length switch
        {
            1 => name[0] switch
            {
                (byte)'a' => Field.A,
                (byte)'c' => Field.C,
                (byte)'d' => Field.D,
                (byte)'v' => Field.V,
                (byte)'p' => Field.P,
                _ => Field.Other,
            },
            2 => name.SequenceEqual("op"u8) ? Field.Op : name.SequenceEqual("id"u8) ? Field.Id : Field.Other,
            3 => name.SequenceEqual("src"u8) ? Field.Src : name.SequenceEqual("seq"u8) ? Field.Seq : name.SequenceEqual("del"u8) ? Field.Del : Field.Other,
            5 => name.SequenceEqual("error"u8) ? Field.Error : Field.Other,
            6 => name.SequenceEqual("create"u8) ? Field.Create : Field.Other,
            _ => Field.Other,
        };
    }

    /// <summary>A string or null, as the tree's typed read accepts.</summary>
    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        value = reader.GetString();
        return true;
    }

    /// <summary>An integer written as one, or null; other numbers (1.0, 1e3) go to the tree.</summary>
    private static bool TryLong(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long l)) return false;
        value = l;
        return true;
    }

    /// <summary>An error object whose code and message are strings (or absent), or null.</summary>
    private static bool TryError(ref Utf8JsonReader reader, out ShareDbServerException? error)
    {
        error = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        string? code = null, message = null;
        bool seenCode = false, seenMessage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return false;
            bool isCode = reader.ValueTextEquals("code"u8), isMessage = !isCode && reader.ValueTextEquals("message"u8);
            if ((isCode && seenCode) || (isMessage && seenMessage)) return false;
            seenCode |= isCode;
            seenMessage |= isMessage;
            if (!reader.Read()) return false;
            if (isCode && !TryString(ref reader, out code)) return false;
            else if (isMessage && !TryString(ref reader, out message)) return false;
            else if (!isCode && !isMessage) reader.Skip();
        }
        error = new ShareDbServerException(code ?? "ERR_UNKNOWN", message ?? "(no message)");
        return true;
    }

    /// <summary>The value the reader is on, as its own copy of JSON text (the frame's buffer is reused); empty for null.</summary>
    private static ReadOnlyMemory<byte> RawValue(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null) return ReadOnlyMemory<byte>.Empty;
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return json[start..(int)reader.BytesConsumed].ToArray();
    }
}
