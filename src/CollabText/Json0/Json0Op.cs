using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace CollabText.Json0;

/// <summary>An immutable json0 op: a list of components applied in order. Compared by value (its JSON).</summary>
public sealed class Json0Op : IEquatable<Json0Op>
{
    private readonly Json0Component[] _components;
    private ReadOnlyCollection<Json0Component>? _view;
    private string? _json;

    public static Json0Op Empty { get; } = new([], owned: true);

    /// <summary>An op from components (each already valid: they come from the factories on <see cref="Json0Component"/>).</summary>
    public Json0Op(IEnumerable<Json0Component> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        _components = components.Select(c => c?.Clone() ?? throw new ArgumentNullException(nameof(components))).ToArray();
    }

    // The algorithms hand over lists nobody else holds; no copy.
    internal Json0Op(Json0Component[] components, bool owned)
    {
        _ = owned;
        _components = components;
    }

    internal static Json0Op Own(List<Json0Component> components) => components.Count == 0 ? Empty : new(components.ToArray(), owned: true);

    public IReadOnlyList<Json0Component> Components => _view ??= new ReadOnlyCollection<Json0Component>(_components);

    internal Json0Component[] Items => _components;

    public int Count => _components.Length;

    public bool IsNoop => _components.Length == 0;

    /// <summary>Reads an op (a JSON list of components); throws <see cref="InvalidJson0OpException"/> saying what is wrong.</summary>
    public static Json0Op Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
            throw new InvalidJson0OpException($"A json0 op must be a JSON list of components, got {json.ValueKind}.");
        var components = new Json0Component[json.GetArrayLength()];
        int i = 0;
        foreach (JsonElement element in json.EnumerateArray())
        {
            components[i] = Json0Component.Parse(element, i);
            i++;
        }
        return components.Length == 0 ? Empty : new Json0Op(components, owned: true);
    }

    /// <summary>Reads an op from JSON text.</summary>
    public static Json0Op Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidJson0OpException($"A json0 op must be JSON: {e.Message}", e);
        }
    }

    /// <summary>The op as JSON, printed as JSON.stringify prints it (component fields in a fixed order).</summary>
    public string ToJson()
    {
        if (_json is not null) return _json;
        var sb = new StringBuilder();
        sb.Append('[');
        for (int i = 0; i < _components.Length; i++)
        {
            if (i > 0) sb.Append(',');
            _components[i].AppendJson(sb);
        }
        sb.Append(']');
        return _json = sb.ToString();
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(ToJson(), skipInputValidation: true);
    }

    public override string ToString() => ToJson();

    public bool Equals(Json0Op? other) => other is not null && (ReferenceEquals(this, other) || ToJson() == other.ToJson());

    public override bool Equals(object? obj) => Equals(obj as Json0Op);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToJson());

    public static bool operator ==(Json0Op? left, Json0Op? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Json0Op? left, Json0Op? right) => !(left == right);
}
