using System.Text.Json;
using CollabActors.Protocol;
using CollabActors.Queries;

namespace CollabHost.Queries;

/// <summary>
/// Reads a ShareDB query (the MongoDB-style object sharedb-mongo and sharedb-mingo-memory take) into a
/// <see cref="DocumentQuery"/>, or refuses it with an error that names what is not supported. The subset:
/// equality on fields and dotted paths, <c>$eq $ne $in $nin $gt $gte $lt $lte $exists $and $or</c>, and at the top
/// <c>$sort</c> (<c>$orderby</c>), <c>$skip</c>, <c>$limit</c>, <c>$count</c>; metadata <c>_id _type _v _m.ctime
/// _m.mtime</c>. Operands are scalars (null, booleans, numbers, strings). <c>$comment</c> and <c>$hint</c> are ignored,
/// as sharedb-mingo-memory ignores them.
/// </summary>
public static class QueryParser
{
    /// <summary>Deepest nesting of <c>$and</c>/<c>$or</c>; the wire already bounds a frame's depth, this bounds the SQL.</summary>
    public const int MaxNesting = 16;

    /// <summary>Most conditions and <c>$in</c> values in one query: each is a few SQL parameters.</summary>
    public const int MaxTerms = 500;

    private static readonly string Supported =
        "supported: $eq $ne $in $nin $gt $gte $lt $lte $exists $and $or $sort $skip $limit $count";

    public static DocumentQuery Parse(JsonElement query)
    {
        if (query.ValueKind != JsonValueKind.Object) throw Invalid("A query is a JSON object.");
        var sort = new List<SortKey>();
        long skip = 0;
        long? limit = null;
        bool count = false;
        bool mentionsType = false;
        var terms = new TermBudget();
        var parts = new List<QueryFilter>();
        foreach (JsonProperty property in query.EnumerateObject())
        {
            switch (property.Name)
            {
                case "$sort" or "$orderby":
                    sort.AddRange(Sort(property.Value));
                    break;
                case "$skip":
                    skip = Count(property.Value, "$skip");
                    break;
                case "$limit":
                    long l = Count(property.Value, "$limit");
                    limit = l == 0 ? null : l; // as sharedb-mingo-memory: $limit 0 is no limit
                    break;
                case "$count":
                    count = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw Invalid("$count takes true or false."),
                    };
                    break;
                default:
                    if (property.Name == "_type") mentionsType = true;
                    if (Term(property, terms, depth: 0) is { } part) parts.Add(part);
                    break;
            }
        }
        return new DocumentQuery(new AllOf(parts), sort, skip, limit, count, mentionsType);
    }

    /// <summary>One key of a query object (not a top-level option): a field, <c>$and</c>/<c>$or</c>, or an ignored key.</summary>
    private static QueryFilter? Term(JsonProperty property, TermBudget terms, int depth)
    {
        switch (property.Name)
        {
            case "$and":
            case "$or":
                if (depth >= MaxNesting) throw NotSupported($"$and/$or nested deeper than {MaxNesting} levels are not supported.");
                if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    throw Invalid($"{property.Name} takes a non-empty array of queries.");
                var parts = new List<QueryFilter>();
                foreach (JsonElement item in property.Value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object) throw Invalid($"{property.Name} takes an array of query objects.");
                    parts.Add(Filter(item, terms, depth + 1));
                }
                return property.Name == "$and" ? new AllOf(parts) : new AnyOf(parts);
            case "$comment":
            case "$hint":
                return null;
            case "$sort" or "$orderby" or "$skip" or "$limit" or "$count":
                throw NotSupported($"{property.Name} is only supported at the top of a query, not inside $and/$or.");
            default:
                if (property.Name.StartsWith('$'))
                    throw NotSupported($"The query operator '{property.Name}' is not supported ({Supported}).");
                return Field(Field(property.Name), property.Value, terms);
        }
    }

    private static QueryFilter Filter(JsonElement query, TermBudget terms, int depth)
    {
        var parts = new List<QueryFilter>();
        foreach (JsonProperty property in query.EnumerateObject())
        {
            if (Term(property, terms, depth) is { } part) parts.Add(part);
        }
        return new AllOf(parts);
    }

    /// <summary><c>field: value</c> or <c>field: {$op: value, ...}</c>.</summary>
    private static QueryFilter Field(QueryField field, JsonElement value, TermBudget terms)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            var conditions = new List<QueryFilter>();
            bool any = false;
            foreach (JsonProperty op in value.EnumerateObject())
            {
                any = true;
                if (!op.Name.StartsWith('$'))
                    throw NotSupported($"Equality with an object value ({field}: {{{op.Name}: ...}}) is not supported; compare its fields with a dotted path ({field}.{op.Name}).");
                terms.Take(field);
                conditions.Add(op.Name switch
                {
                    "$eq" => new FieldCondition(field, ConditionKind.Eq, [Scalar(op.Value, field, op.Name)]),
                    "$ne" => new FieldCondition(field, ConditionKind.Ne, [Scalar(op.Value, field, op.Name)]),
                    "$gt" => new FieldCondition(field, ConditionKind.Gt, [Scalar(op.Value, field, op.Name)]),
                    "$gte" => new FieldCondition(field, ConditionKind.Gte, [Scalar(op.Value, field, op.Name)]),
                    "$lt" => new FieldCondition(field, ConditionKind.Lt, [Scalar(op.Value, field, op.Name)]),
                    "$lte" => new FieldCondition(field, ConditionKind.Lte, [Scalar(op.Value, field, op.Name)]),
                    "$in" => new FieldCondition(field, ConditionKind.In, List(op.Value, field, op.Name, terms)),
                    "$nin" => new FieldCondition(field, ConditionKind.Nin, List(op.Value, field, op.Name, terms)),
                    "$exists" => new FieldCondition(field, Exists(op.Value, field) ? ConditionKind.Exists : ConditionKind.NotExists, []),
                    _ => throw NotSupported($"The query operator '{op.Name}' (on {field}) is not supported ({Supported})."),
                });
            }
            if (!any) throw NotSupported($"Equality with an object value ({field}: {{}}) is not supported.");
            return conditions.Count == 1 ? conditions[0] : new AllOf(conditions);
        }
        terms.Take(field);
        return new FieldCondition(field, ConditionKind.Eq, [Scalar(value, field, "equality")]);
    }

    private static QueryValue Scalar(JsonElement value, QueryField field, string op) => value.ValueKind switch
    {
        JsonValueKind.Null => QueryValue.Null,
        JsonValueKind.True => new QueryValue(QueryValueKind.Boolean, Boolean: true),
        JsonValueKind.False => new QueryValue(QueryValueKind.Boolean, Boolean: false),
        JsonValueKind.Number => new QueryValue(QueryValueKind.Number, Number: value.GetDouble()),
        JsonValueKind.String => new QueryValue(QueryValueKind.String, Text: value.GetString()),
        JsonValueKind.Array => throw NotSupported($"{op} with an array value (on {field}) is not supported; use $in for one of several values."),
        _ => throw NotSupported($"{op} with an object value (on {field}) is not supported; compare scalar fields with dotted paths."),
    };

    private static IReadOnlyList<QueryValue> List(JsonElement value, QueryField field, string op, TermBudget terms)
    {
        if (value.ValueKind != JsonValueKind.Array) throw Invalid($"{op} (on {field}) takes an array.");
        var values = new List<QueryValue>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            terms.Take(field);
            values.Add(Scalar(item, field, op));
        }
        return values;
    }

    /// <summary>As mingo: true or 1 asks for the field, false or 0 for its absence.</summary>
    private static bool Exists(JsonElement value, QueryField field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt32(out int n) && n is 0 or 1 => n == 1,
        _ => throw Invalid($"$exists (on {field}) takes true or false."),
    };

    private static IEnumerable<SortKey> Sort(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Invalid("$sort takes an object of fields and 1 or -1.");
        foreach (JsonProperty key in value.EnumerateObject())
        {
            bool descending = key.Value.ValueKind == JsonValueKind.Number && key.Value.TryGetInt32(out int direction) && direction is 1 or -1
                ? direction == -1
                : throw Invalid($"$sort on {key.Name} takes 1 or -1.");
            yield return new SortKey(Field(key.Name), descending);
        }
    }

    private static long Count(JsonElement value, string option) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= 0
            ? n
            : throw Invalid($"{option} takes a whole number of at least 0.");

    /// <summary>A field name: metadata (<c>_id</c>, <c>_type</c>, <c>_v</c>, <c>_m.ctime</c>, <c>_m.mtime</c>) or a dotted path into the data.</summary>
    public static QueryField Field(string name)
    {
        string[] segments = name.Split('.');
        switch (segments[0])
        {
            case "_id" when segments.Length == 1: return new MetaField(MetaColumn.Id);
            case "_type" when segments.Length == 1: return new MetaField(MetaColumn.Type);
            case "_v" when segments.Length == 1: return new MetaField(MetaColumn.Version);
            case "_m" when segments.Length == 2 && segments[1] == "ctime": return new MetaField(MetaColumn.CreatedTime);
            case "_m" when segments.Length == 2 && segments[1] == "mtime": return new MetaField(MetaColumn.ModifiedTime);
            case "_id" or "_type" or "_v" or "_m" or "_o":
                throw NotSupported($"The metadata field '{name}' is not supported (supported: _id, _type, _v, _m.ctime, _m.mtime).");
        }
        foreach (string segment in segments)
        {
            if (segment.Length == 0) throw Invalid($"The field '{name}' has an empty part.");
            if (segment.StartsWith('$')) throw NotSupported($"The query operator '{segment}' is not supported in a field name ('{name}').");
            if (segment.All(char.IsAsciiDigit))
                throw NotSupported($"Array positions in field paths ('{name}') are not supported.");
            if (segment.Any(c => c == '"' || c == '\\' || char.IsControl(c)))
                throw NotSupported($"Field names with quotes, backslashes or control characters ('{name}') are not supported.");
        }
        return new DataField(segments);
    }

    private static QueryRejectedException NotSupported(string message) => new(ProtocolErrorCodes.QueryNotSupported, message);

    private static QueryRejectedException Invalid(string message) => new(ProtocolErrorCodes.QueryInvalid, message);

    private sealed class TermBudget
    {
        private int _used;

        public void Take(QueryField field)
        {
            if (++_used > MaxTerms)
                throw new QueryRejectedException(ProtocolErrorCodes.QueryTooLarge, $"A query may hold at most {MaxTerms} conditions and $in/$nin values (at {field}).");
        }
    }
}
