using System.Text;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;

namespace CollabHost.Queries;

/// <summary>A query as one SQL statement with its parameters. <see cref="Count"/>: the statement returns one number.</summary>
public sealed record CompiledQuery(string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters, bool Count, int? Cap);

/// <summary>
/// Compiles a <see cref="DocumentQuery"/> over one collection into parameterised SQL on the read model's
/// <c>collab_documents</c> table: every value, path and pattern from the query or the token is a parameter; the SQL
/// text is made only of fixed pieces. Comparisons follow mingo (sharedb-mingo-memory): a field's value is its array's
/// elements or itself; <c>$gt</c>-style operators match only values of the operand's type; <c>null</c> matches a
/// missing field; <c>$ne</c>/<c>$nin</c> are the negations of <c>$eq</c>/<c>$in</c>. Deleted documents are left out
/// unless the query names <c>_type</c>. Ties in the sort fall back to creation order (<c>created_order</c>).
/// </summary>
public sealed class SqlQueryCompiler(SqlDialect dialect)
{
    /// <summary>Only what a reply needs: id, version, type, the stored data, and the times (for the REST API).</summary>
    private const string Columns = "d.id, d.version, d.type, d.stored, d.ctime, d.mtime";

    /// <param name="readable">The token's read patterns (null: everything); results are only documents they match.</param>
    /// <param name="maxResults">The cap: a larger $limit is refused; without $limit one row more is asked for, to tell.</param>
    public CompiledQuery Compile(DocumentQuery query, string collection, IReadOnlyList<DocumentPattern>? readable, int maxResults)
    {
        var sql = new Builder(dialect);
        var where = new StringBuilder("d.collection = ").Append(sql.Parameter(collection));
        if (!query.MentionsType) where.Append(" AND d.type IS NOT NULL");
        string filter = sql.Filter(query.Filter);
        if (filter != True) where.Append(" AND ").Append(filter);
        if (readable is not null) where.Append(" AND ").Append(sql.Access(readable, collection));

        // A count does not depend on the order, $skip and $limit included (a window of the same rows has the same size
        // whatever their order), so it is not sorted: PostgreSQL sorted every match before counting them.
        var order = new List<string>();
        foreach (SortKey key in query.Count ? [] : query.Sort)
        {
            string direction = key.Descending ? " DESC" : "";
            foreach (string expression in sql.SortExpressions(key.Field)) order.Add(expression + direction);
        }
        // created_order is the journal ordering of the document's first event: unique per row, so it settles every
        // tie and nothing after it could. A further key (the id, as there was) only costs: SQLite then no longer
        // reads the (collection, mtime) index in order and sorts every row of the collection instead
        // (QueryPlanTests pins this).
        order.Add("d.created_order");

        int? cap = null;
        object limit;
        if (query.Count)
        {
            limit = query.Limit is { } l ? l : dialect.NoLimit;
        }
        else if (query.Limit is { } l)
        {
            if (l > maxResults)
                throw new QueryRejectedException(ProtocolErrorCodes.QueryTooLarge, $"$limit {l} is over the most one query returns ({maxResults}).");
            limit = l;
        }
        else
        {
            cap = maxResults;
            limit = (long)maxResults + 1;
        }
        string page = $" LIMIT {sql.Parameter(limit)} OFFSET {sql.Parameter(query.Skip)}";
        string orderBy = query.Count ? "" : $" ORDER BY {string.Join(", ", order)}";
        string select = $"SELECT {(query.Count ? "1" : Columns)} FROM {ReadModel.ReadModelDatabase.DocumentsTable} d WHERE {where}{orderBy}{page}";
        return query.Count
            ? new CompiledQuery($"SELECT COUNT(*) FROM ({select}) counted", sql.Parameters, true, null)
            : new CompiledQuery(select, sql.Parameters, false, cap);
    }

    private const string True = "1 = 1";
    private const string False = "1 = 0";

    /// <summary>Writes SQL and collects its parameters (@p0, @p1, ...).</summary>
    private sealed class Builder(SqlDialect dialect)
    {
        public List<KeyValuePair<string, object>> Parameters { get; } = new();

        public string Parameter(object value)
        {
            string name = "@p" + Parameters.Count;
            Parameters.Add(new(name, value));
            return name;
        }

        public string Filter(QueryFilter filter) => filter switch
        {
            AllOf all => Join(all.Parts, " AND ", True),
            AnyOf any => Join(any.Parts, " OR ", False),
            FieldCondition { Field: DataField data } condition => Data(data, condition),
            FieldCondition { Field: MetaField meta } condition => Meta(meta.Column, condition),
            _ => throw new ArgumentException($"Unknown filter {filter.GetType().Name}.", nameof(filter)),
        };

        private string Join(IReadOnlyList<QueryFilter> parts, string separator, string empty) =>
            parts.Count == 0 ? empty : "(" + string.Join(separator, parts.Select(Filter)) + ")";

        // ---- fields of the data ----

        private string Data(DataField field, FieldCondition condition)
        {
            string path = Parameter(dialect.PathParameter(field.Path));
            switch (condition.Kind)
            {
                case ConditionKind.Eq: return DataIn(path, condition.Values);
                case ConditionKind.Ne: return $"NOT {DataIn(path, condition.Values)}";
                case ConditionKind.In: return DataIn(path, condition.Values);
                case ConditionKind.Nin: return $"NOT {DataIn(path, condition.Values)}";
                case ConditionKind.Exists: return $"({dialect.PathExists(path)})";
                case ConditionKind.NotExists: return $"NOT ({dialect.PathExists(path)})";
                default:
                    string element = ElementCompare(condition.Kind, condition.Values[0]);
                    return element == False ? False : $"({dialect.AnyElement(path, element)})";
            }
        }

        /// <summary>
        /// mingo's $eq/$in: some element equals one of the values; a null among them also matches a field that is missing
        /// (or null).
        /// </summary>
        private string DataIn(string path, IReadOnlyList<QueryValue> values)
        {
            if (values.Count == 0) return False;
            string elements = string.Join(" OR ", values.Select(v => ElementCompare(ConditionKind.Eq, v)));
            string any = dialect.AnyElement(path, elements);
            return values.Any(v => v.Kind == QueryValueKind.Null)
                ? $"(NOT ({dialect.PathExists(path)}) OR {any})"
                : $"({any})";
        }

        /// <summary>The current element compared with one operand; only values of the operand's kind compare (mingo's compare).</summary>
        private string ElementCompare(ConditionKind kind, QueryValue value)
        {
            if (value.Kind == QueryValueKind.Null)
            {
                // null == null, null <= null and null >= null hold; null < null and null > null do not.
                return kind is ConditionKind.Eq or ConditionKind.Gte or ConditionKind.Lte ? $"({dialect.ElementIs(QueryValueKind.Null)})" : False;
            }
            string left = $"(CASE WHEN {dialect.ElementIs(value.Kind)} THEN {dialect.ElementValue(value.Kind)} END)";
            if (value.Kind == QueryValueKind.String) left = dialect.Binary(left);
            return $"({left} {Operator(kind)} {Operand(value)})";
        }

        private object OperandValue(QueryValue value) => value.Kind switch
        {
            QueryValueKind.Boolean => dialect.BooleanParameter(value.Boolean),
            QueryValueKind.Number => value.Number,
            _ => value.Text!,
        };

        private string Operand(QueryValue value) => Parameter(OperandValue(value));

        private static string Operator(ConditionKind kind) => kind switch
        {
            ConditionKind.Eq => "=",
            ConditionKind.Gt => ">",
            ConditionKind.Gte => ">=",
            ConditionKind.Lt => "<",
            ConditionKind.Lte => "<=",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a comparison."),
        };

        // ---- metadata: one column each, never an array ----

        private string Meta(MetaColumn column, FieldCondition condition)
        {
            (string sql, QueryValueKind kind, bool nullable) = column switch
            {
                MetaColumn.Id => ("d.id", QueryValueKind.String, false),
                MetaColumn.Type => ("d.type", QueryValueKind.String, true),
                MetaColumn.Version => ("d.version", QueryValueKind.Number, false),
                MetaColumn.CreatedTime => ("d.ctime", QueryValueKind.Number, true),
                _ => ("d.mtime", QueryValueKind.Number, false),
            };
            switch (condition.Kind)
            {
                case ConditionKind.Eq: return MetaIn(sql, kind, nullable, condition.Values);
                case ConditionKind.In: return MetaIn(sql, kind, nullable, condition.Values);
                case ConditionKind.Ne: return $"NOT {MetaIn(sql, kind, nullable, condition.Values)}";
                case ConditionKind.Nin: return $"NOT {MetaIn(sql, kind, nullable, condition.Values)}";
                // A deleted document's type is null, which still counts as present (mingo: only undefined is absent).
                case ConditionKind.Exists: return column == MetaColumn.CreatedTime ? $"({sql} IS NOT NULL)" : True;
                case ConditionKind.NotExists: return column == MetaColumn.CreatedTime ? $"({sql} IS NULL)" : False;
                default:
                    QueryValue value = condition.Values[0];
                    if (value.Kind == QueryValueKind.Null)
                        return nullable && condition.Kind is ConditionKind.Gte or ConditionKind.Lte ? $"({sql} IS NULL)" : False;
                    if (value.Kind != kind) return False;
                    string left = kind == QueryValueKind.String ? dialect.Binary(sql) : sql;
                    return $"({sql} IS NOT NULL AND {left} {Operator(condition.Kind)} {Operand(value)})";
            }
        }

        private string MetaIn(string sql, QueryValueKind kind, bool nullable, IReadOnlyList<QueryValue> values)
        {
            var terms = new List<string>();
            foreach (QueryValue value in values)
            {
                if (value.Kind == QueryValueKind.Null) terms.Add(nullable ? $"{sql} IS NULL" : False);
                else if (value.Kind == kind) terms.Add($"({sql} IS NOT NULL AND {(kind == QueryValueKind.String ? dialect.Binary(sql) : sql)} = {Operand(value)})");
            }
            return terms.Count == 0 ? False : "(" + string.Join(" OR ", terms) + ")";
        }

        // ---- order and access ----

        public IEnumerable<string> SortExpressions(QueryField field) => field switch
        {
            DataField data => dialect.SortExpressions(Parameter(dialect.PathParameter(data.Path))),
            MetaField { Column: MetaColumn.Id } => [dialect.Binary("d.id")],
            MetaField { Column: MetaColumn.Type } => ["CASE WHEN d.type IS NULL THEN 0 ELSE 1 END", dialect.Binary("d.type")],
            MetaField { Column: MetaColumn.Version } => ["d.version"],
            MetaField { Column: MetaColumn.CreatedTime } => ["CASE WHEN d.ctime IS NULL THEN 0 ELSE 1 END", "d.ctime"],
            _ => ["d.mtime"],
        };

        /// <summary>The id parts of the patterns that name this collection; no pattern: no document.</summary>
        public string Access(IReadOnlyList<DocumentPattern> readable, string collection)
        {
            var ids = readable.Where(p => p.MatchesCollection(collection)).Select(p => p.Id).Distinct().ToList();
            if (ids.Contains("*")) return True;
            if (ids.Count == 0) return False;
            return "(" + string.Join(" OR ", ids.Select(id => dialect.IdMatches(Parameter(dialect.IdPattern(id))))) + ")";
        }
    }
}
