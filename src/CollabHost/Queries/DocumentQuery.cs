namespace CollabHost.Queries;

/// <summary>
/// A parsed query over one collection: which documents (<see cref="Filter"/>), in which order, which page, and whether
/// only their number is wanted. <see cref="MentionsType"/>: the query names <c>_type</c> at its top level, so deleted
/// documents are not left out for it (as sharedb-mongo's makeQuerySafe).
/// </summary>
public sealed record DocumentQuery(QueryFilter Filter, IReadOnlyList<SortKey> Sort, long Skip, long? Limit, bool Count, bool MentionsType);

/// <summary>A condition on documents.</summary>
public abstract record QueryFilter;

/// <summary>Every part holds (<c>$and</c>, and the fields of one query object). No parts: every document.</summary>
public sealed record AllOf(IReadOnlyList<QueryFilter> Parts) : QueryFilter;

/// <summary>Some part holds (<c>$or</c>).</summary>
public sealed record AnyOf(IReadOnlyList<QueryFilter> Parts) : QueryFilter;

/// <summary>One operator on one field: <c>{field: {$gt: 3}}</c>. <see cref="Values"/>: one operand, the list of <c>$in</c>/<c>$nin</c>, or none for <c>$exists</c>.</summary>
public sealed record FieldCondition(QueryField Field, ConditionKind Kind, IReadOnlyList<QueryValue> Values) : QueryFilter;

public enum ConditionKind { Eq, Ne, In, Nin, Gt, Gte, Lt, Lte, Exists, NotExists }

/// <summary>What a condition or sort key looks at: a path into the document's data, or one of its metadata.</summary>
public abstract record QueryField;

/// <summary><c>title</c>, <c>meta.owner</c>: a path into the data (json0 documents' JSON).</summary>
public sealed record DataField(IReadOnlyList<string> Path) : QueryField
{
    public override string ToString() => string.Join('.', Path);
}

/// <summary><c>_id</c>, <c>_type</c>, <c>_v</c>, <c>_m.ctime</c>, <c>_m.mtime</c>.</summary>
public sealed record MetaField(MetaColumn Column) : QueryField;

public enum MetaColumn { Id, Type, Version, CreatedTime, ModifiedTime }

/// <summary>One key of <c>$sort</c>.</summary>
public sealed record SortKey(QueryField Field, bool Descending);

public enum QueryValueKind { Null, Boolean, Number, String }

/// <summary>A scalar operand: the JSON values a query may compare with (objects and arrays are not operands here).</summary>
public sealed record QueryValue(QueryValueKind Kind, bool Boolean = false, double Number = 0, string? Text = null)
{
    public static readonly QueryValue Null = new(QueryValueKind.Null);
}
