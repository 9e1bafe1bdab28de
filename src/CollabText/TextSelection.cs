namespace CollabText;

/// <summary>A cursor selection in code points: starts at Index and spans Length (negative when focus precedes anchor).</summary>
public readonly record struct TextSelection(int Index, int Length);
