using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollabText;

/// <summary>
/// An immutable text-unicode operation: a list of components walked over the document from its start.
/// Compared by value. Its JSON (and MessagePack) shape is the wire's: <c>[5," world",{"d":3}]</c>.
/// </summary>
[JsonConverter(typeof(TextOpJsonConverter))]
public sealed class TextOp : IEquatable<TextOp>
{
    private ReadOnlyCollection<OpComponent>? _view;

    public static TextOp Empty { get; } = new(Array.Empty<OpComponent>(), owned: true);

    /// <summary>An op with exactly the given components, neither checked nor normalized.</summary>
    public TextOp(IEnumerable<OpComponent> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        Items = components.ToArray();
    }

    private TextOp(OpComponent[] items, bool owned)
    {
        _ = owned;
        Items = items;
    }

    internal static TextOp FromOwnedArray(OpComponent[] items) => new(items, owned: true);

    // The backing array; never handed out, so the op stays immutable.
    internal OpComponent[] Items { get; }

    public IReadOnlyList<OpComponent> Components => _view ??= new ReadOnlyCollection<OpComponent>(Items);

    /// <summary>The components without allocation, for hot loops.</summary>
    public ReadOnlySpan<OpComponent> Span => Items;

    public int Count => Items.Length;

    public bool IsNoop => Items.Length == 0;

    /// <summary>Inserts <paramref name="text"/> at code point <paramref name="position"/> (empty op for empty text).</summary>
    public static TextOp InsertAt(int position, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (text.Length == 0) return Empty;
        return position == 0
            ? FromOwnedArray([OpComponent.Insert(text)])
            : FromOwnedArray([OpComponent.Skip(position), OpComponent.Insert(text)]);
    }

    /// <summary>Deletes <paramref name="count"/> code points at <paramref name="position"/> (empty op for zero).</summary>
    public static TextOp DeleteAt(int position, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return Empty;
        return position == 0
            ? FromOwnedArray([OpComponent.Delete(count)])
            : FromOwnedArray([OpComponent.Skip(position), OpComponent.Delete(count)]);
    }

    /// <summary>Reads the wire JSON shape; throws <see cref="InvalidOpComponentException"/> for anything else.</summary>
    public static TextOp Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<TextOp>(json)
                ?? throw new InvalidOpComponentException("Op must be an array of components, not null.");
        }
        catch (JsonException e)
        {
            throw new InvalidOpComponentException("Op is not valid JSON: " + e.Message, e);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public override string ToString() => ToJson();

    public bool Equals(TextOp? other)
    {
        if (ReferenceEquals(this, other)) return true;
        return other is not null && Items.AsSpan().SequenceEqual(other.Items);
    }

    public override bool Equals(object? obj) => Equals(obj as TextOp);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (OpComponent c in Items) hash.Add(c);
        return hash.ToHashCode();
    }

    public static bool operator ==(TextOp? left, TextOp? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(TextOp? left, TextOp? right) => !(left == right);
}
