namespace CollabActors.Queries;

/// <summary>
/// One step of a subscribe query's diff (<c>{a: "q", diff: [...]}</c>), as ShareDB's arraydiff makes them; each step
/// applies to the list the previous steps left (the stock client splices its <c>results</c> step by step).
/// </summary>
public abstract record ResultsChange
{
    /// <summary><c>{type: "insert", index, values}</c>: <see cref="Documents"/> go in at <see cref="Index"/>.</summary>
    public sealed record Insert(int Index, IReadOnlyList<QueriedDocument> Documents) : ResultsChange;

    /// <summary><c>{type: "remove", index, howMany}</c>.</summary>
    public sealed record Remove(int Index, int HowMany) : ResultsChange;

    /// <summary><c>{type: "move", from, to, howMany}</c>: taken out at <see cref="From"/>, put back at <see cref="To"/> of the shorter list.</summary>
    public sealed record Move(int From, int To, int HowMany) : ResultsChange;
}
