using System.Text.Json;
using CollabActors.Queries;
using CollabActors.Security;
using CollabHost.Queries;

namespace CollabHost.Tests.Queries;

/// <summary>The query subset: what is compiled, to parameterised SQL only, and what is refused with an error naming it.</summary>
public sealed class QueryCompilerTests
{
    public static TheoryData<string> Dialects => new() { "SQLite", "PostgreSQL" };

    private static SqlDialect Dialect(string name) => name == "SQLite" ? SqliteDialect.Instance : PostgreSqlDialect.Instance;

    private static CompiledQuery Compile(string query, string dialect = "SQLite", IReadOnlyList<DocumentPattern>? readable = null, int cap = 1000)
    {
        using JsonDocument json = JsonDocument.Parse(query);
        return new SqlQueryCompiler(Dialect(dialect)).Compile(QueryParser.Parse(json.RootElement), "notes", readable, cap);
    }

    private static QueryRejectedException Refused(string query)
    {
        using JsonDocument json = JsonDocument.Parse(query);
        return Assert.Throws<QueryRejectedException>(() => QueryParser.Parse(json.RootElement));
    }

    [Theory]
    [InlineData("""{"title":{"$regex":"^a"}}""", "$regex")]
    [InlineData("""{"tags":{"$elemMatch":{"$eq":"x"}}}""", "$elemMatch")]
    [InlineData("""{"tags":{"$all":["x"]}}""", "$all")]
    [InlineData("""{"tags":{"$size":2}}""", "$size")]
    [InlineData("""{"n":{"$not":{"$gt":1}}}""", "$not")]
    [InlineData("""{"n":{"$mod":[2,0]}}""", "$mod")]
    [InlineData("""{"n":{"$type":"number"}}""", "$type")]
    [InlineData("""{"$nor":[{"n":1}]}""", "$nor")]
    [InlineData("""{"$where":"this.n > 1"}""", "$where")]
    [InlineData("""{"$text":{"$search":"x"}}""", "$text")]
    [InlineData("""{"$aggregate":[{"$match":{}}]}""", "$aggregate")]
    [InlineData("""{"$expr":{"$gt":["$n",1]}}""", "$expr")]
    [InlineData("""{"$or":[{"$sort":{"n":1}}]}""", "$sort")]
    [InlineData("""{"meta":{"owner":"ann"}}""", "meta.owner")]
    [InlineData("""{"tags":["a","b"]}""", "$in")]
    [InlineData("""{"n":{"$eq":{"a":1}}}""", "$eq")]
    [InlineData("""{"tags.0":"x"}""", "tags.0")]
    [InlineData("""{"_m.foo":1}""", "_m.foo")]
    [InlineData("""{"_o":1}""", "_o")]
    [InlineData("""{"a.$b":1}""", "$b")]
    public void Operators_and_forms_outside_the_subset_are_refused_with_an_error_naming_them(string query, string named)
    {
        QueryRejectedException refused = Refused(query);
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", refused.Code);
        Assert.Contains(named, refused.Message);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("""{"n":{"$in":3}}""")]
    [InlineData("""{"n":{"$exists":"yes"}}""")]
    [InlineData("""{"$limit":-1}""")]
    [InlineData("""{"$skip":1.5}""")]
    [InlineData("""{"$sort":{"n":2}}""")]
    [InlineData("""{"$count":1}""")]
    [InlineData("""{"$and":[]}""")]
    [InlineData("""{"$or":[1]}""")]
    [InlineData("""{"a..b":1}""")]
    public void Badly_formed_queries_are_refused_as_invalid(string query) =>
        Assert.Equal("ERR_QUERY_INVALID", Refused(query).Code);

    [Fact]
    public void A_query_with_too_many_conditions_is_refused_before_any_sql_is_made()
    {
        string values = string.Join(",", Enumerable.Range(0, QueryParser.MaxTerms + 1));
        Assert.Equal("ERR_QUERY_TOO_LARGE", Refused("{\"n\":{\"$in\":[" + values + "]}}").Code);
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void Values_field_names_and_access_patterns_are_parameters_never_sql_text(string dialect)
    {
        const string hostile = "x'); DROP TABLE collab_documents; --";
        CompiledQuery compiled = Compile(
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                [hostile.Replace("'", "")] = hostile,
                ["it's"] = new Dictionary<string, object?> { ["$in"] = new object?[] { hostile, 1, true, null } },
                ["_id"] = new Dictionary<string, object?> { ["$gt"] = hostile },
                ["$sort"] = new Dictionary<string, object?> { ["it's"] = 1 },
            }),
            dialect, readable: [DocumentPattern.Parse("notes/" + hostile + "*")]);
        Assert.DoesNotContain("DROP", compiled.Sql);
        Assert.DoesNotContain("it's", compiled.Sql);
        Assert.DoesNotContain("notes", compiled.Sql);
        Assert.Contains(compiled.Parameters, p => p.Value is string s && s == hostile);
        Assert.Contains(compiled.Parameters, p => p.Value is string s && s == "notes");
        // Every parameter the SQL names is given, and every one given is used.
        foreach (var (name, _) in compiled.Parameters) Assert.Matches($@"{name}\b", compiled.Sql);
    }

    [Fact]
    public void A_limit_over_the_cap_is_refused_and_without_a_limit_one_row_more_than_the_cap_is_asked_for()
    {
        Assert.Equal("ERR_QUERY_TOO_LARGE", Assert.Throws<QueryRejectedException>(() => Compile("""{"$limit":11}""", cap: 10)).Code);
        CompiledQuery unbounded = Compile("""{"n":1}""", cap: 10);
        Assert.Equal(10, unbounded.Cap);
        Assert.Contains(unbounded.Parameters, p => p.Value is long l && l == 11);
        CompiledQuery limited = Compile("""{"n":1,"$limit":5}""", cap: 10);
        Assert.Null(limited.Cap);
        // A count is one number, whatever it counts: no cap.
        Assert.True(Compile("""{"$count":true}""", cap: 10).Count);
    }

    [Fact]
    public void Deleted_documents_are_left_out_unless_the_query_names_type_at_its_top()
    {
        Assert.Contains("d.type IS NOT NULL", Compile("""{"n":1}""").Sql);
        Assert.Contains("d.type IS NOT NULL", Compile("""{"$or":[{"_type":null},{"n":1}]}""").Sql);
        Assert.DoesNotContain("d.type IS NOT NULL", Compile("""{"_type":null}""").Sql);
    }

    [Fact]
    public void Access_patterns_become_id_matches_for_the_query_collection_only()
    {
        CompiledQuery none = Compile("{}", readable: [DocumentPattern.Parse("other/*")]);
        Assert.Contains("1 = 0", none.Sql);
        CompiledQuery all = Compile("{}", readable: [DocumentPattern.Parse("notes/*"), DocumentPattern.Parse("notes/a*")]);
        Assert.DoesNotContain("GLOB", all.Sql);
        CompiledQuery some = Compile("{}", "PostgreSQL", readable: [DocumentPattern.Parse("no*/team_*")]);
        Assert.Contains(some.Parameters, p => p.Value is string s && s == "team\\_%");
        Assert.Contains("LIKE", some.Sql);
    }
}
