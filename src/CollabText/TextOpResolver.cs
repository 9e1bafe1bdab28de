using MessagePack;
using MessagePack.Formatters;

namespace CollabText;

/// <summary>Resolves <see cref="TextOpFormatter"/> for <see cref="TextOp"/>; compose it into a wider resolver.</summary>
public sealed class TextOpResolver : IFormatterResolver
{
    public static readonly TextOpResolver Instance = new();

    private TextOpResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        typeof(T) == typeof(TextOp) ? (IMessagePackFormatter<T>)(object)TextOpFormatter.Instance : null;
}
