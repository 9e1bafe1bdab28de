using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using MessagePack;

namespace CollabHost.Tests.Fuzzing;

/// <summary>One frame as a client could send it: bytes, and whether it goes as a binary (MessagePack) frame.</summary>
public sealed record FuzzFrame(byte[] Payload, bool Binary)
{
    public override string ToString() =>
        (Binary ? "binary " : "text ") + (Binary ? Convert.ToHexString(Payload) : Encoding.UTF8.GetString(Payload));
}

/// <summary>
/// Generators of hostile frames: every action of the protocol with fields replaced by values of the wrong type or
/// out of range, removed or added; the same in MessagePack; byte-level mutations (bit flips, cuts, insertions,
/// repeats) of both; random bytes; deep nesting; and presence past the per-connection bounds. A text frame is always
/// valid UTF-8 (otherwise the WebSocket layer closes with 1007, a separate tested path); mutated bytes that are not go
/// as binary frames.
/// </summary>
public static class FuzzFrames
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";

    /// <summary>One valid message of each shape, on a few documents so the fuzz reaches real document actors.</summary>
    public static readonly string[] Corpus =
    [
        """{"a":"hs","id":null,"protocol":1,"protocolMinor":2}""",
        """{"a":"pp"}""",
        """{"a":"f","c":"fuzz","d":"a"}""",
        """{"a":"f","c":"fuzz","d":"a","v":1}""",
        """{"a":"s","c":"fuzz","d":"a"}""",
        """{"a":"s","c":"fuzz","d":"b","v":0}""",
        """{"a":"u","c":"fuzz","d":"a"}""",
        """{"a":"op","c":"fuzz","d":"a","v":0,"seq":1,"create":{"type":"http://sharejs.org/types/text-unicode","data":"hello"}}""",
        """{"a":"op","c":"fuzz","d":"b","v":0,"seq":2,"create":{"type":"http://sharejs.org/types/text-unicode","data":"wörld 😀"}}""",
        """{"a":"op","c":"fuzz","d":"a","v":1,"seq":3,"op":[2,"xy",{"d":1}]}""",
        """{"a":"op","c":"fuzz","d":"a","v":1,"seq":4,"op":["😀",5,{"d":"lo"}]}""",
        """{"a":"op","c":"fuzz","d":"b","v":1,"seq":5,"op":[{"d":3},"z"]}""",
        """{"a":"op","c":"fuzz","d":"b","v":3,"seq":6,"del":true}""",
        """{"a":"bf","c":"fuzz","b":["a","b"]}""",
        """{"a":"bs","c":"fuzz","b":{"a":1,"b":0}}""",
        """{"a":"bu","c":"fuzz","b":["a"]}""",
        """{"a":"nf","id":7,"c":"fuzz","d":"a","v":1}""",
        """{"a":"nt","id":8,"c":"fuzz","d":"a","ts":1700000000000}""",
        """{"a":"p","ch":"fuzz.a","id":"cur","p":{"index":1,"length":2},"pv":1,"c":"fuzz","d":"a","v":1,"t":"http://sharejs.org/types/text-unicode"}""",
        """{"a":"p","ch":"lobby","id":"cur","p":null,"pv":2}""",
        """{"a":"ps","ch":"fuzz.a","seq":1}""",
        """{"a":"pu","ch":"fuzz.a","seq":2}""",
        """{"a":"pr","ch":"fuzz.a"}""",
        """{"a":"qf","id":1,"c":"fuzz","q":{}}""",
        """{"a":"p","ch":"fuzz.b","id":"sel","p":[{"index":0,"length":3},{"name":"x","color":"#f00"}],"pv":1}""",
        """{"a":"p","ch":"fuzz.b","id":"big","p":{"name":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","index":3,"extra":[1,2,[3,[4]]]},"pv":3}""",
    ];

    /// <summary>
    /// Stands for a lone surrogate in generated messages: the frame builders spell it as the escape \ud800 in JSON and
    /// as its three would-be UTF-8 bytes in MessagePack (same length as the mark, so string headers stay right).
    /// </summary>
    private const string LoneSurrogateMark = "~L~";

    private static readonly byte[] LoneSurrogateMarkBytes = Encoding.ASCII.GetBytes(LoneSurrogateMark);

    private static readonly string[] Keys =
        ["a", "c", "d", "v", "seq", "op", "create", "del", "b", "ch", "id", "p", "pv", "src", "protocol", "t", "ts", "data", "type", "index",
            LoneSurrogateMark];

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (1, Gen.Const((JsonNode?)null)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (3, Gen.OneOf(0L, 1L, -1L, 2L, 3L, long.MaxValue, long.MinValue, int.MaxValue + 1L, 9_007_199_254_740_993L)
            .Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.OneOf(0.5, -0.0, 1e308, -1e-308, 3.0000000001).Select(d => (JsonNode?)JsonValue.Create(d))),
        (3, Gen.OneOf("", "a", "fuzz", "fuzz.a", "op", "hs", TextUnicode, "😀", "\u0000", "\uD800", "e\u0301",
                new string('x', 300), "a/b", "..", "%2F", "\u202E").Select(s => (JsonNode?)JsonValue.Create(s))),
        // Lone surrogates (see LoneSurrogateMark) and names past the length limit (256, channels 513).
        (2, Gen.OneOf(LoneSurrogateMark, "a" + LoneSurrogateMark, LoneSurrogateMark + "😀", "fuzz." + LoneSurrogateMark)
            .Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.OneOf(new string('n', 257), new string('.', 514), new string('.', 20_000), "fuzz." + new string('a', 256))
            .Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.String[0, 20].Select(s => (JsonNode?)JsonValue.Create(s))));

    private static Gen<JsonNode?> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (6, Scalar),
            (2, Value(depth - 1).Array[0, 5].Select(items => (JsonNode?)new JsonArray(items))),
            (1, Gen.Select(Gen.OneOf(Keys), Value(depth - 1)).Array[0, 4].Select(fields =>
            {
                var o = new JsonObject();
                foreach ((string k, JsonNode? v) in fields) o[k] = v;
                return (JsonNode?)o;
            })));

    /// <summary>A corpus message with one to three fields replaced, removed or added.</summary>
    public static readonly Gen<string> StructurallyMutatedJson = Gen.Select(
        Gen.OneOf(Corpus),
        Gen.Select(Gen.OneOf(Keys), Gen.Int[0, 3], Value(2)).Array[1, 3],
        (json, edits) =>
        {
            JsonObject message = JsonNode.Parse(json)!.AsObject();
            foreach ((string key, int kind, JsonNode? value) in edits)
            {
                switch (kind)
                {
                    case 0:
                    case 1:
                        message[key] = value;
                        break;
                    case 2:
                        message.Remove(key);
                        break;
                    default:
                        // Into the op or presence value, where the type's own parsing runs.
                        if (message["op"] is JsonArray op && op.Count > 0) op[Math.Abs(key.GetHashCode()) % op.Count] = value;
                        else if (message["p"] is JsonObject p) p[key] = value;
                        else message[key] = value;
                        break;
                }
            }
            return message.ToJsonString();
        });

    /// <summary>
    /// Presence past the bounds one connection may hold (ConnectionSettings: 16 presences and 64 KiB a channel, 256 and
    /// 1 MiB in all): ids from a pool of 40 on 20 channels, values from a cursor to past 64 KiB, and nulls that free
    /// room again, so within a batch the budgets fill, refuse and empty. Ids and channels are sometimes too long.
    /// </summary>
    public static readonly Gen<string> PresenceOverLimits = Gen.Select(
        Gen.Frequency((8, Gen.Int[0, 19].Select(n => "fuzz.x" + n)), (1, Gen.Const("fuzz." + new string('c', 600)))),
        Gen.Frequency((8, Gen.Int[0, 39].Select(n => "p" + n)), (1, Gen.OneOf(new string('i', 257), new string('i', 100_000)))),
        Gen.Int[1, 1_000_000],
        Gen.Frequency(
            (3, Gen.Const("""{"index":1,"length":0}""")),
            (2, Gen.Const("null")),
            (2, Gen.Int[1, 30_000].Select(n => "\"" + new string('p', n) + "\"")),
            (1, Gen.OneOf(64 * 1024 - 2, 64 * 1024 - 1, 64 * 1024 + 1, 300_000).Select(n => "\"" + new string('q', n) + "\"")),
            // Many small parts: the value's size in bytes, not its number of tokens, is what counts.
            (1, Gen.Int[100, 10_000].Select(n => "[" + string.Join(",", Enumerable.Repeat("""{"i":1}""", n)) + "]"))),
        (channel, id, version, value) => $$"""{"a":"p","ch":"{{channel}}","id":"{{id}}","pv":{{version}},"p":{{value}}}""");

    private static readonly Gen<(int Kind, double At, double To, byte[] Bytes)> ByteEdit =
        Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Byte.Array[1, 8]);

    private static Gen<byte[]> ByteMutated(Gen<byte[]> source) =>
        Gen.Select(source, ByteEdit.Array[1, 4], (bytes, edits) =>
        {
            var b = new List<byte>(bytes);
            foreach ((int kind, double at, double to, byte[] insert) in edits)
            {
                if (b.Count == 0) b.Add(0);
                int i = (int)(at * (b.Count - 1));
                int j = Math.Max(i, (int)(to * (b.Count - 1)));
                switch (kind)
                {
                    case 0: b[i] ^= (byte)(1 << (insert[0] % 8)); break;
                    case 1: b.RemoveRange(i, b.Count - i); break;
                    case 2: b.InsertRange(i, insert); break;
                    case 3: b.RemoveRange(i, j - i); break;
                    default: b.InsertRange(j, b.GetRange(i, Math.Min(j - i, 256))); break;
                }
            }
            return b.ToArray();
        });

    private static byte[] ToMessagePack(string json)
    {
        byte[] frame = MessagePackSerializer.ConvertFromJson(json);
        for (int i = frame.AsSpan().IndexOf(LoneSurrogateMarkBytes); i >= 0; i = frame.AsSpan().IndexOf(LoneSurrogateMarkBytes))
        {
            frame[i] = 0xED;
            frame[i + 1] = 0xA0;
            frame[i + 2] = 0x80;
        }
        return frame;
    }

    private static byte[] ToJsonFrame(string json) =>
        Encoding.UTF8.GetBytes(json.Replace(LoneSurrogateMark, "\\ud800", StringComparison.Ordinal));

    private static readonly Gen<FuzzFrame> DeepNesting = Gen.Select(Gen.Int[1, 20_000], Gen.Bool, (depth, binary) =>
    {
        if (binary)
        {
            // fixarray of one element, depth times, around a nil.
            var bytes = new byte[depth + 1];
            Array.Fill(bytes, (byte)0x91);
            bytes[depth] = 0xc0;
            return new FuzzFrame(bytes, true);
        }
        return new FuzzFrame(Encoding.UTF8.GetBytes("{\"a\":\"op\",\"op\":" + new string('[', depth) + new string(']', depth) + "}"), false);
    });

    /// <summary>Text if the bytes are valid UTF-8, binary otherwise.</summary>
    private static FuzzFrame AsText(byte[] bytes) => new(bytes, !Utf8.IsValid(bytes));

    public static readonly Gen<FuzzFrame> Frame = Gen.Frequency(
        (4, StructurallyMutatedJson.Select(json => new FuzzFrame(ToJsonFrame(json), false))),
        (2, StructurallyMutatedJson.Select(json => new FuzzFrame(ToMessagePack(json), true))),
        (2, ByteMutated(Gen.OneOf(Corpus).Select(Encoding.UTF8.GetBytes)).Select(AsText)),
        (2, ByteMutated(Gen.OneOf(Corpus).Select(ToMessagePack)).Select(bytes => new FuzzFrame(bytes, true))),
        (1, Gen.Select(Gen.Byte.Array[0, 200], Gen.Bool, (bytes, binary) => binary ? new FuzzFrame(bytes, true) : AsText(bytes))),
        (1, DeepNesting),
        (1, PresenceOverLimits.Select(json => new FuzzFrame(ToJsonFrame(json), false))),
        (1, PresenceOverLimits.Select(json => new FuzzFrame(ToMessagePack(json), true))));

    private static class Utf8
    {
        public static bool IsValid(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
    }
}
