using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText.Json0;

namespace CollabText.Tests.Json0;

public sealed class Json0TypeTests
{
    private static Json0Value Doc(string json) => Json0Value.Parse(json);

    private static Json0Op Op(string json) => Json0Op.Parse(json);

    [Fact]
    public void The_type_is_named_as_ShareDB_names_it()
    {
        Assert.Equal("json0", Json0Type.Name);
        Assert.Equal("http://sharejs.org/types/JSONv0", Json0Type.Uri);
        Assert.Equal(Json0ValueKind.Null, Json0Type.Create().Kind);
        Assert.Equal("""{"a":[1]}""", Json0Type.Create(JsonNode.Parse("""{"a":[1.0]}""")).ToJson());
    }

    [Theory]
    [InlineData("""{"a":1}""", """[{"p":["b"],"oi":2}]""", """{"a":1,"b":2}""")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"od":1}]""", """{}""")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"od":1,"oi":[true]}]""", """{"a":[true]}""")]
    [InlineData("""[1,2,3]""", """[{"p":[1],"li":"x"}]""", """[1,"x",2,3]""")]
    [InlineData("""[1,2,3]""", """[{"p":[3],"li":"x"}]""", """[1,2,3,"x"]""")]
    [InlineData("""[1,2,3]""", """[{"p":[0],"ld":1}]""", """[2,3]""")]
    [InlineData("""[1,2,3]""", """[{"p":[0],"ld":1,"li":null}]""", """[null,2,3]""")]
    [InlineData("""[1,2,3]""", """[{"p":[0],"lm":2}]""", """[2,3,1]""")]
    [InlineData("""[1,2,3]""", """[{"p":[2],"lm":0}]""", """[3,1,2]""")]
    [InlineData("""{"n":[5]}""", """[{"p":["n",0],"na":-7.5}]""", """{"n":[-2.5]}""")]
    [InlineData("""{"s":"held"}""", """[{"p":["s",2],"si":"llo wor"}]""", """{"s":"hello world"}""")]
    [InlineData("""{"s":"hello"}""", """[{"p":["s",1],"sd":"ell"}]""", """{"s":"ho"}""")]
    [InlineData("""{"s":"ab"}""", """[{"p":["s"],"t":"text0","o":[{"p":1,"i":"xy"},{"p":0,"d":"a"}]}]""", """{"s":"xyb"}""")]
    [InlineData("""7""", """[{"p":[],"na":1}]""", """8""")]
    [InlineData("""{"a":1}""", """[{"p":[],"od":{"a":1},"oi":"new"}]""", "\"new\"")]
    public void Apply_performs_each_instruction(string doc, string op, string expected) =>
        Assert.Equal(expected, Json0Type.Apply(Doc(doc), Op(op)).ToJson());

    [Theory]
    [InlineData("""[{"p":["a",0],"ld":1}]""", "needs a list")] // a list instruction on a number
    [InlineData("""[{"p":["l",3],"li":1}]""", "past the end")]
    [InlineData("""[{"p":["l",2],"ld":1}]""", "past the end")]
    [InlineData("""[{"p":["l",0],"lm":2}]""", "past the end")]
    [InlineData("""[{"p":["missing"],"od":1}]""", "no key")]
    [InlineData("""[{"p":["missing","x"],"oi":1}]""", "no key")]
    [InlineData("""[{"p":["l","x"],"oi":1}]""", "an object instruction needs an object")]
    [InlineData("""[{"p":["l",0,"x"],"oi":1}]""", "an object instruction needs an object")]
    [InlineData("""[{"p":["l",0,"x","y"],"oi":1}]""", "which has no")]
    [InlineData("""[{"p":["s",9],"si":"x"}]""", "past the end of the string")]
    [InlineData("""[{"p":["s",0],"sd":"xyz"}]""", "does not match")]
    [InlineData("""[{"p":["s"],"na":1}]""", "na needs a number")]
    [InlineData("""[{"p":["n"],"na":1e308}]""", "too large")]
    public void Apply_refuses_an_op_that_does_not_fit_and_changes_nothing(string op, string why)
    {
        const string json = """{"a":1,"l":[1,2],"s":"abc","n":1e308}""";
        var doc = Doc(json);
        var node = JsonNode.Parse(json);
        // A valid first component: a half-applied op would leave "b" behind.
        var parsed = Op(op.Insert(1, """{"p":["b"],"oi":true},"""));
        var e = Assert.Throws<Json0ApplyException>(() => Json0Type.Apply(doc, parsed));
        Assert.Contains(why, e.Message);
        Assert.Contains("Op component 1", e.Message);
        Assert.Throws<Json0ApplyException>(() => Json0Type.Apply(node, parsed));
        Assert.Equal(Doc(json).ToJson(), doc.ToJson());
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), node!.ToJsonString());
    }

    [Fact]
    public void Apply_on_nodes_returns_a_new_tree_and_leaves_the_input_alone()
    {
        var node = JsonNode.Parse("""{"list":[1,2],"o":{"k":"v"}}""");
        var result = Json0Type.Apply(node, Op("""[{"p":["list",0],"ld":1},{"p":["o","k"],"od":"v","oi":3}]"""));
        Assert.Equal("""{"list":[1,2],"o":{"k":"v"}}""", node!.ToJsonString());
        Assert.Equal("""{"list":[2],"o":{"k":3}}""", result!.ToJsonString());
    }

    [Fact]
    public void Apply_shares_the_parts_it_did_not_touch()
    {
        var doc = Doc("""{"big":[1,2,3],"edited":{"n":1}}""");
        var after = Json0Type.Apply(doc, Op("""[{"p":["edited","n"],"na":1}]"""));
        doc.TryGetProperty("big", out var before);
        after.TryGetProperty("big", out var kept);
        Assert.Same(before, kept);
    }

    [Theory]
    [InlineData("""{"p":[],"oi":1}""", "must be a JSON list")]
    [InlineData("""[{"oi":1}]""", "missing path")]
    [InlineData("""[{"p":"a","oi":1}]""", "path (p) must be a list")]
    [InlineData("""[{"p":["a"]}]""", "exactly one instruction")]
    [InlineData("""[{"p":["a"],"oi":1,"na":2}]""", "exactly one instruction")]
    [InlineData("""[{"p":["a"],"oi":1,"x":2}]""", "unknown field \"x\"")]
    [InlineData("""[{"p":["a"],"t":"text-unicode","o":[1,"x"]}]""", "registers only \"text0\"")]
    [InlineData("""[{"p":["a"],"t":"rich-text","o":[{"insert":"x"}]}]""", "unknown subtype \"rich-text\"")]
    [InlineData("""[{"p":["a"],"t":"text0"}]""", "needs its op (o)")]
    [InlineData("""[{"p":["a"],"o":[]}]""", "o needs its subtype (t)")]
    [InlineData("""[{"p":["a"],"t":"text0","o":[{"p":0}]}]""", "exactly one of i or d")]
    [InlineData("""[{"p":["a",-1],"li":1}]""", "integer >= 0")]
    [InlineData("""[{"p":["a",1.5],"li":1}]""", "integer >= 0")]
    [InlineData("""[{"p":["a",true],"li":1}]""", "a key (string) or list index")]
    [InlineData("""[{"p":["a",0],"lm":-1}]""", "integer >= 0")]
    [InlineData("""[{"p":["a","k"],"li":1}]""", "must end with the list index")]
    [InlineData("""[{"p":["a",0],"oi":1}]""", "must end with a key")]
    [InlineData("""[{"p":["a","k"],"si":"x"}]""", "offset in the string")]
    [InlineData("""[{"p":[],"od":1}]""", "whole document")]
    [InlineData("""[{"p":["a"],"na":"1"}]""", "finite number")]
    [InlineData("""[{"p":["a"],"si":5}]""", "si must be a string")]
    [InlineData("""[{"p":["a"],"oi":1e999}]""", "too large")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""[{"p":["a"],"oi":1}""", "must be JSON")]
    public void Parse_refuses_a_malformed_op_saying_why(string json, string why)
    {
        var e = Assert.Throws<InvalidJson0OpException>(() => Json0Op.Parse(json));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Ops_and_documents_print_as_JSON_stringify_prints_them()
    {
        // Numbers in ECMAScript's form, array-index keys first, only JSON.stringify's escapes.
        var doc = Doc("""{"b":1,"10":2,"a":[1.0,1e21,1E-7,0.000001,-0.0,100,0.1,123456789012345678901234],"1":"\u00e9\u2028\u0001\n\"\\"}""");
        Assert.Equal("{\"1\":\"é\u2028\\u0001\\n\\\"\\\\\",\"10\":2,\"b\":1,\"a\":[1,1e+21,1e-7,0.000001,0,100,0.1,1.2345678901234569e+23]}", doc.ToJson());
        var op = Op("""[{"oi":{"z":1,"0":2},"p":["x"],"od":5},{"li":1,"ld":0,"p":[3]},{"na":0.5,"p":[]}]""");
        Assert.Equal("""[{"p":["x"],"od":5,"oi":{"0":2,"z":1}},{"p":[3],"ld":0,"li":1},{"p":[],"na":0.5}]""", op.ToJson());
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) op.WriteTo(writer);
        Assert.Equal(op.ToJson(), Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void A_text0_edit_may_split_a_surrogate_pair_as_JavaScript_strings_do()
    {
        // Positions are UTF-16 units: inserting inside 😀 leaves unpaired surrogates, printed as \u escapes.
        var doc = Json0Type.Apply(Doc("""{"s":"😀"}"""), Op("""[{"p":["s",1],"si":"x"}]"""));
        Assert.Equal("""{"s":"\ud83dx\ude00"}""", doc.ToJson());
        Assert.Equal(doc, Json0Value.Parse(doc.ToJson()));
        var op = Op("""[{"p":["s",0],"sd":"\ud83d"}]""");
        Assert.Equal("""{"s":"x\ude00"}""", Json0Type.Apply(doc, op).ToJson());
    }

    [Fact]
    public void Concurrent_list_inserts_at_one_index_put_the_left_one_first()
    {
        var doc = Doc("""["a","b"]""");
        var left = Op("""[{"p":[1],"li":"L"}]""");
        var right = Op("""[{"p":[1],"li":"R"}]""");
        var viaLeft = Json0Type.Apply(Json0Type.Apply(doc, left), Json0Type.Transform(right, left, TransformSide.Right));
        var viaRight = Json0Type.Apply(Json0Type.Apply(doc, right), Json0Type.Transform(left, right, TransformSide.Left));
        Assert.Equal("""["a","L","R","b"]""", viaLeft.ToJson());
        Assert.Equal(viaLeft, viaRight);
    }

    [Fact]
    public void An_edit_inside_a_concurrently_deleted_value_vanishes_and_the_delete_carries_the_edit()
    {
        var edit = Op("""[{"p":["o","s",0],"si":"x"}]""");
        var delete = Op("""[{"p":["o"],"od":{"s":"ab"}}]""");
        Assert.True(Json0Type.Transform(edit, delete, TransformSide.Left).IsNoop);
        Assert.Equal("""[{"p":["o"],"od":{"s":"xab"}}]""", Json0Type.Transform(delete, edit, TransformSide.Right).ToJson());
    }

    [Fact]
    public void Subtypes_other_than_text0_are_refused_by_every_operation()
    {
        var textUnicode = """[{"p":["s"],"t":"text-unicode","o":["x"]}]""";
        var e = Assert.Throws<InvalidJson0OpException>(() => Json0Op.Parse(textUnicode));
        Assert.Contains("text-unicode", e.Message);
        Assert.Throws<InvalidJson0OpException>(() =>
            Json0Component.Text0(["s"], [Text0Component.InsertAt(-1, "x")]));
    }

    [Fact]
    public void Transform_refuses_an_unknown_side()
    {
        var op = Op("""[{"p":["a"],"oi":1}]""");
        Assert.Throws<ArgumentOutOfRangeException>(() => Json0Type.Transform(op, op, (TransformSide)7));
    }

    [Fact]
    public void Invert_undoes_each_instruction()
    {
        var doc = Doc("""{"l":[1,2,3],"s":"abc","n":4,"o":{"k":1}}""");
        var op = Op("""[{"p":["l",0],"lm":2},{"p":["l",1],"ld":3,"li":"x"},{"p":["s",1],"sd":"b"},{"p":["s"],"t":"text0","o":[{"p":0,"i":"Z"}]},{"p":["n"],"na":3},{"p":["o","k"],"od":1},{"p":["o","j"],"oi":[]}]""");
        var after = Json0Type.Apply(doc, op);
        Assert.Equal(doc, Json0Type.Apply(after, Json0Type.Invert(op)));
    }
}
