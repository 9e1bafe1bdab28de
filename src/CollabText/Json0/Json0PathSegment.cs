using System.Globalization;

namespace CollabText.Json0;

/// <summary>One step of a json0 path: a list index (a non-negative integer) or an object key (a string).</summary>
public readonly struct Json0PathSegment : IEquatable<Json0PathSegment>
{
    private readonly string? _key;
    private readonly int _index;

    private Json0PathSegment(int index, string? key)
    {
        _index = index;
        _key = key;
    }

    public static Json0PathSegment ForIndex(int index)
    {
        if (index < 0) throw new InvalidJson0OpException($"A list index in a path must be >= 0, got {index}.");
        return new Json0PathSegment(index, null);
    }

    public static Json0PathSegment ForKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new Json0PathSegment(0, key);
    }

    public static implicit operator Json0PathSegment(int index) => ForIndex(index);

    public static implicit operator Json0PathSegment(string key) => ForKey(key);

    public bool IsIndex => _key is null;
    public bool IsKey => _key is not null;

    public int Index => _key is null ? _index : throw new InvalidOperationException($"Path segment {this} is a key, not an index.");

    public string Key => _key ?? throw new InvalidOperationException($"Path segment {this} is an index, not a key.");

    internal Json0PathSegment Plus(int delta) => new(_index + delta, null);

    /// <summary>JavaScript's <c>===</c>: 1 and "1" differ.</summary>
    public bool Equals(Json0PathSegment other) =>
        _key is null ? other._key is null && _index == other._index : string.Equals(_key, other._key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Json0PathSegment other && Equals(other);

    public override int GetHashCode() => _key is null ? _index : StringComparer.Ordinal.GetHashCode(_key);

    public static bool operator ==(Json0PathSegment left, Json0PathSegment right) => left.Equals(right);

    public static bool operator !=(Json0PathSegment left, Json0PathSegment right) => !left.Equals(right);

    public override string ToString()
    {
        if (_key is null) return _index.ToString(CultureInfo.InvariantCulture);
        var sb = new System.Text.StringBuilder();
        JavaScriptJson.AppendString(sb, _key);
        return sb.ToString();
    }
}
