using System.Data.Common;
using CollabActors.Documents;
using CollabActors.Serialization;

namespace CollabHost.ReadModel;

/// <summary>
/// Brings the read model forward from the journal, one batch of journal rows at a time: the events after the saved
/// position are applied to their documents' rows, and the rows and the new position are written in one transaction.
/// A crash between the journal's commit and this one loses nothing: the next batch starts at the saved position.
/// </summary>
/// <remarks>
/// While it holds the projector lock on one connection, no one else writes the rows or the position, so the projector
/// knows them without reading them back: the position it last wrote, and the projections of the documents it wrote
/// most recently (<see cref="RecentProjections"/>), which a busy document's next batch applies to instead of reading
/// and parsing its row again. What it knows is only ever what it has committed: it is all forgotten when a batch fails
/// (a projection a failed batch changed is never used again), when it is given another connection (the lock was
/// released with the old one, and another node may have written since), and when a write finds the position moved
/// (a writer that did not hold the lock, e.g. a reset).
/// </remarks>
public sealed class ReadModelProjector(
    ReadModelDatabase database,
    Action<string, Exception>? onDocumentFailed = null,
    int recentDocuments = ReadModelProjector.DefaultRecentDocuments,
    int rowsPerBatch = ReadModelProjector.RowsPerBatch)
{
    /// <summary>Journal rows read per batch (one read-model transaction each), unless the constructor is given another number.</summary>
    public const int RowsPerBatch = 1000;

    /// <summary>How many documents' projections are kept between batches by default (<see cref="QueryOptions.ProjectionRecentDocuments"/>).</summary>
    public const int DefaultRecentDocuments = 2000;

    /// <summary>
    /// How long a hole in the journal's orderings holds the saved position back. On PostgreSQL a transaction of
    /// another node may take an ordering and commit after later ones are visible; a hole still open after this long
    /// is a write that was rolled back (its ordering is never used). Rows after a hole are applied at once anyway.
    /// </summary>
    public static readonly TimeSpan HoleWait = TimeSpan.FromSeconds(10);

    private const string DocumentOpManifest = "document-op.1";
    internal const string DocumentPersistencePrefix = "document-";

    private readonly JournalHoles _holes = new(HoleWait);
    private readonly RecentProjections _recent = new(recentDocuments);

    // What this projector committed on _connection: the position (null: read it) and _recent.
    private DbConnection? _connection;
    private long? _position;

    /// <summary>
    /// Projects the next batch. Returns whether it changed anything (rows or position); false: the read model is as
    /// far as the journal (or waiting for a hole to fill). <paramref name="waitForHoles"/> false (a rebuild, with no
    /// writes in flight) treats every hole as final. <paramref name="connection"/> holds the projector lock.
    /// </summary>
    public bool ProjectOnce(DbConnection connection, bool waitForHoles = true)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            Forget();
            _connection = connection;
        }
        try
        {
            return ProjectBatch(connection, waitForHoles);
        }
        catch
        {
            Forget();
            throw;
        }
    }

    /// <summary>Projects until the read model is as far as the journal (a rebuild: every hole is final).</summary>
    public void CatchUp(DbConnection connection)
    {
        while (ProjectOnce(connection, waitForHoles: false))
        {
        }
    }

    private bool ProjectBatch(DbConnection connection, bool waitForHoles)
    {
        long position = _position ??= database.ReadPosition(connection);
        List<JournalRow> rows = database.ReadJournal(connection, position, rowsPerBatch);
        if (rows.Count == 0) return false;
        long next = _holes.NextPosition(position, rows.ConvertAll(r => r.Ordering), Environment.TickCount64, waitForHoles);

        // The batch's documents: the kept projections, and the others' rows read in one go.
        var documents = new DocumentId?[rows.Count];
        var projections = new Dictionary<DocumentId, DocumentProjection>();
        var unread = new HashSet<DocumentId>();
        for (int i = 0; i < rows.Count; i++)
        {
            JournalRow row = rows[i];
            if (row.Manifest != DocumentOpManifest || !row.PersistenceId.StartsWith(DocumentPersistencePrefix, StringComparison.Ordinal)) continue;
            DocumentId document = documents[i] = DocumentId.FromEntityId(row.PersistenceId[DocumentPersistencePrefix.Length..]);
            if (projections.ContainsKey(document) || unread.Contains(document)) continue;
            if (_recent.TryGet(document, out DocumentProjection recent)) projections[document] = recent;
            else unread.Add(document);
        }
        foreach ((DocumentId document, DocumentRow? current) in database.ReadDocuments(connection, unread))
        {
            projections[document] = new DocumentProjection(document, current);
        }

        var failed = new HashSet<DocumentId>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (documents[i] is not { } document || failed.Contains(document)) continue;
            JournalRow row = rows[i];
            DocumentProjection projection = projections[document];
            try
            {
                if (row.SequenceNr > projection.Version + 1)
                {
                    // Events this batch did not see (committed late by another node's transaction): read them now.
                    foreach (JournalRow missing in database.ReadEventsOf(connection, row.PersistenceId, projection.Version + 1, row.SequenceNr))
                    {
                        projection.Apply(missing.SequenceNr, missing.Ordering, Read(missing));
                    }
                }
                projection.Apply(row.SequenceNr, row.Ordering, Read(row));
            }
            catch (Exception cause)
            {
                // One document whose events cannot be applied must not stop every other document's rows: its row stays
                // as it was (behind the journal), it is reported, and the projector goes on. Its projection may hold
                // some of the events: it is dropped, and the next batch starts again from the row.
                onDocumentFailed?.Invoke($"{document} at journal ordering {row.Ordering}", cause);
                failed.Add(document);
                projections.Remove(document);
                _recent.Remove(document);
            }
        }

        var written = new List<DocumentProjection>();
        var changed = new List<DocumentRow>();
        foreach (DocumentProjection projection in projections.Values)
        {
            if (!projection.Changed) continue;
            written.Add(projection);
            changed.Add(projection.ToRow());
        }
        if (changed.Count == 0 && next == position) return KeepRecent(projections, changed: false);
        if (!database.Write(connection, changed, position, next))
        {
            // The position is not where this projector left it: someone else wrote. Start again from the tables.
            Forget();
            return true;
        }
        _position = next;
        foreach (DocumentProjection projection in written) projection.MarkWritten();
        return KeepRecent(projections, changed: true);
    }

    /// <summary>Keeps the batch's projections, all now as their rows are, for the next batch; returns <paramref name="changed"/>.</summary>
    private bool KeepRecent(Dictionary<DocumentId, DocumentProjection> projections, bool changed)
    {
        foreach ((DocumentId document, DocumentProjection projection) in projections) _recent.Put(document, projection);
        return changed;
    }

    private void Forget()
    {
        _position = null;
        _recent.Clear();
    }

    private static CommittedOp Read(JournalRow row) => (CommittedOp)CollabSerializer.Table.Read(row.Message, row.Manifest);
}
