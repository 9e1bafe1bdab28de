namespace CollabText;

/// <summary>Which op wins a tie when both insert at the same place: Left goes first.</summary>
public enum TransformSide
{
    Left,
    Right,
}
