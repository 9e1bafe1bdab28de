namespace CollabText.Json0;

/// <summary>
/// Which component of an op an apply is at, for the message of an apply that fails. A struct that prints its text only
/// when asked: formatting the path on every apply, in case it failed, cost more than the edit.
/// </summary>
internal readonly record struct Json0ApplyLocation(Json0Component Component, int Index)
{
    public override string ToString() => Json0Apply.Where(Component, Index);
}
