namespace CollabText.RichText;

/// <summary>A Quill selection, <c>{index, length}</c> in UTF-16 units: what rich-text presence carries.</summary>
public readonly record struct RichTextRange(int Index, int Length);
