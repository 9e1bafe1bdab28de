using MessagePack;
using MessagePack.Formatters;

namespace CollabText;

/// <summary>MessagePack form of a <see cref="TextOp"/>, the same shape as its JSON: array of int | string | map {"d": int|string}.</summary>
public sealed class TextOpFormatter : IMessagePackFormatter<TextOp?>
{
    public static readonly TextOpFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, TextOp? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(value.Count);
        foreach (OpComponent c in value.Span)
        {
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    writer.Write(c.Length);
                    break;
                case OpComponentKind.Insert:
                    writer.Write(c.Text);
                    break;
                default:
                    writer.WriteMapHeader(1);
                    writer.Write("d");
                    if (c.Text is null) writer.Write(c.Length);
                    else writer.Write(c.Text);
                    break;
            }
        }
    }

    public TextOp? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        if (reader.NextMessagePackType != MessagePackType.Array)
            throw new InvalidOpComponentException("Op must be an array of components.");
        options.Security.DepthStep(ref reader);
        try
        {
            int count = reader.ReadArrayHeader();
            if (count == 0) return TextOp.Empty;
            var components = new OpComponent[count];
            for (int i = 0; i < count; i++)
            {
                components[i] = reader.NextMessagePackType switch
                {
                    MessagePackType.Integer => OpComponent.Skip(ReadCount(ref reader, "Skip")),
                    MessagePackType.String => OpComponent.Insert(reader.ReadString()!),
                    MessagePackType.Map => ReadDelete(ref reader),
                    var other => throw new InvalidOpComponentException(
                        $"Op component must be an integer, a string or {{\"d\": ...}}, not {other}."),
                };
            }
            return TextOp.FromOwnedArray(components);
        }
        finally
        {
            reader.Depth--;
        }
    }

    private static OpComponent ReadDelete(ref MessagePackReader reader)
    {
        int entries = reader.ReadMapHeader();
        if (entries != 1) throw new InvalidOpComponentException("Delete component must be exactly {\"d\": ...}.");
        if (reader.NextMessagePackType != MessagePackType.String || reader.ReadString() != "d")
            throw new InvalidOpComponentException("Delete component must be exactly {\"d\": ...}.");
        return reader.NextMessagePackType switch
        {
            MessagePackType.Integer => OpComponent.Delete(ReadCount(ref reader, "Delete")),
            MessagePackType.String => OpComponent.Delete(reader.ReadString()!),
            _ => throw new InvalidOpComponentException("Delete must be number or string."),
        };
    }

    private static int ReadCount(ref MessagePackReader reader, string what)
    {
        try
        {
            return reader.ReadInt32();
        }
        catch (OverflowException e)
        {
            throw new InvalidOpComponentException($"{what} length must fit in 32 bits.", e);
        }
    }
}
