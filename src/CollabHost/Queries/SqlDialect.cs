using System.Text;

namespace CollabHost.Queries;

/// <summary>
/// How one database looks into a document's JSON (<c>d.data</c>) for the <see cref="SqlQueryCompiler"/>. Every piece
/// of SQL here is fixed text; paths, values and patterns are always parameters.
/// </summary>
/// <remarks>
/// A field's value is seen as a list of elements, as mingo does it (<c>ensureArray</c>): an array's elements, or the
/// value alone. <see cref="AnyElement"/> asks whether some element satisfies a condition written over
/// <see cref="ElementIs"/> and <see cref="ElementValue"/>.
/// </remarks>
public abstract class SqlDialect
{
    /// <summary>The parameter value naming a path into the data.</summary>
    public abstract object PathParameter(IReadOnlyList<string> path);

    /// <summary>True when the path is in the document (its value may be JSON null).</summary>
    public abstract string PathExists(string path);

    /// <summary>True when some element of the value at the path satisfies <paramref name="condition"/>.</summary>
    public abstract string AnyElement(string path, string condition);

    /// <summary>The current element is a value of this kind.</summary>
    public abstract string ElementIs(QueryValueKind kind);

    /// <summary>The current element's value as SQL compares values of this kind (only where <see cref="ElementIs"/> holds).</summary>
    public abstract string ElementValue(QueryValueKind kind);

    /// <summary>A boolean operand as a parameter value.</summary>
    public abstract object BooleanParameter(bool value);

    /// <summary>A text expression compared by code point, as JavaScript orders strings (for the characters of the BMP).</summary>
    public abstract string Binary(string textExpression);

    /// <summary>Sort expressions for the value at a path: its kind's rank first, then the value within the kind.</summary>
    public abstract IEnumerable<string> SortExpressions(string path);

    /// <summary>The document id matches an access pattern (a parameter made by <see cref="IdPattern"/>).</summary>
    public abstract string IdMatches(string pattern);

    /// <summary>An access pattern's id part (<c>*</c> any run of characters) as the parameter <see cref="IdMatches"/> takes.</summary>
    public abstract string IdPattern(string glob);

    /// <summary>The LIMIT parameter value that means no limit.</summary>
    public abstract object NoLimit { get; }
}

/// <summary>SQLite: json_type, json_extract and json_each over JSON text, paths as <c>$."a"."b"</c>.</summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override object PathParameter(IReadOnlyList<string> path)
    {
        var text = new StringBuilder("$");
        foreach (string segment in path) text.Append(".\"").Append(segment).Append('"');
        return text.ToString();
    }

    public override string PathExists(string path) => $"json_type(d.data, {path}) IS NOT NULL";

    // json_each over a scalar gives the scalar as its one row, over an array its elements; over an object its members,
    // which mingo does not look into: those are left out.
    public override string AnyElement(string path, string condition) =>
        $"EXISTS (SELECT 1 FROM json_each(d.data, {path}) e WHERE json_type(d.data, {path}) <> 'object' AND ({condition}))";

    public override string ElementIs(QueryValueKind kind) => kind switch
    {
        QueryValueKind.Null => "e.type = 'null'",
        QueryValueKind.Boolean => "e.type IN ('true', 'false')",
        QueryValueKind.Number => "e.type IN ('integer', 'real')",
        _ => "e.type = 'text'",
    };

    public override string ElementValue(QueryValueKind kind) => "e.value";

    public override object BooleanParameter(bool value) => value ? 1L : 0L;

    // SQLite's BINARY collation compares UTF-8 bytes: code point order.
    public override string Binary(string textExpression) => textExpression;

    public override IEnumerable<string> SortExpressions(string path) =>
    [
        $"CASE json_type(d.data, {path}) WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'object' THEN 3 " +
        "WHEN 'array' THEN 4 WHEN 'false' THEN 5 WHEN 'true' THEN 5 ELSE 0 END",
        $"json_extract(d.data, {path})",
    ];

    public override string IdMatches(string pattern) => $"d.id GLOB {pattern}";

    /// <summary>GLOB's own wildcards other than <c>*</c> (<c>?</c>, <c>[</c>) are made literal by a one-character class.</summary>
    public override string IdPattern(string glob)
    {
        var pattern = new StringBuilder(glob.Length);
        foreach (char c in glob)
        {
            if (c is '?' or '[') pattern.Append('[').Append(c).Append(']');
            else pattern.Append(c);
        }
        return pattern.ToString();
    }

    public override object NoLimit => -1L;
}

/// <summary>PostgreSQL: jsonb with <c>#&gt;</c> and a text[] path; strings compared with the C collation.</summary>
public sealed class PostgreSqlDialect : SqlDialect
{
    public static readonly PostgreSqlDialect Instance = new();

    public override object PathParameter(IReadOnlyList<string> path) => path.ToArray();

    public override string PathExists(string path) => $"(d.data #> {path}) IS NOT NULL";

    public override string AnyElement(string path, string condition) =>
        $"((d.data #> {path}) IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(d.data #> {path}) = 'array' " +
        $"THEN d.data #> {path} ELSE jsonb_build_array(d.data #> {path}) END) e(v) WHERE {condition}))";

    public override string ElementIs(QueryValueKind kind) => kind switch
    {
        QueryValueKind.Null => "jsonb_typeof(e.v) = 'null'",
        QueryValueKind.Boolean => "jsonb_typeof(e.v) = 'boolean'",
        QueryValueKind.Number => "jsonb_typeof(e.v) = 'number'",
        _ => "jsonb_typeof(e.v) = 'string'",
    };

    public override string ElementValue(QueryValueKind kind) => kind switch
    {
        QueryValueKind.Boolean => "(e.v)::boolean",
        QueryValueKind.Number => "(e.v)::double precision",
        _ => "(e.v #>> '{}')",
    };

    public override object BooleanParameter(bool value) => value;

    public override string Binary(string textExpression) => $"({textExpression}) COLLATE \"C\"";

    public override IEnumerable<string> SortExpressions(string path)
    {
        string value = $"(d.data #> {path})";
        return
        [
            $"CASE jsonb_typeof({value}) WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'object' THEN 3 WHEN 'array' THEN 4 " +
            "WHEN 'boolean' THEN 5 ELSE 0 END",
            $"CASE WHEN jsonb_typeof({value}) = 'number' THEN {value}::double precision END",
            $"(CASE WHEN jsonb_typeof({value}) = 'string' THEN {value} #>> '{{}}' END) COLLATE \"C\"",
            $"CASE WHEN jsonb_typeof({value}) = 'boolean' THEN {value}::boolean END",
            value,
        ];
    }

    public override string IdMatches(string pattern) => $"d.id LIKE {pattern} ESCAPE '\\'";

    public override string IdPattern(string glob)
    {
        var pattern = new StringBuilder(glob.Length);
        foreach (char c in glob)
        {
            if (c == '*') pattern.Append('%');
            else if (c is '%' or '_' or '\\') pattern.Append('\\').Append(c);
            else pattern.Append(c);
        }
        return pattern.ToString();
    }

    public override object NoLimit => DBNull.Value;
}
