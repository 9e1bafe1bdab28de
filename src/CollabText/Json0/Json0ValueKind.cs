namespace CollabText.Json0;

/// <summary>What a <see cref="Json0Value"/> is.</summary>
public enum Json0ValueKind : byte
{
    Null,
    False,
    True,
    Number,
    String,
    Array,
    Object,
}
