using System.Text.Json;
using CollabActors.Protocol;
using CollabText;
using CollabText.Types;

namespace CollabActors.Documents;

/// <summary>
/// One document's state with no actor code (ShareDB's submit-request and snapshot logic): its type, version, data
/// and recent op log. The type is chosen at create (<see cref="OtTypes"/>) and every rule that depends on it goes
/// through <see cref="OtType"/> and <see cref="OtDocument"/>. <see cref="Decide"/> turns a submit into a decision without changing anything;
/// <see cref="Apply"/> applies a committed op and never fails for an op <see cref="Decide"/> produced. The actor
/// persists between the two, so replaying the journal through <see cref="Apply"/> rebuilds the same state.
/// </summary>
public sealed class DocumentState
{
    private readonly DocumentSettings _settings;
    private readonly List<LoggedOp> _log = new();
    private readonly Dictionary<string, SubmitterEntry> _submitters = new(StringComparer.Ordinal);
    private OtDocument? _document;
    private long _lastOpTimestampMs;
    private long _logBytes;

    public DocumentState(DocumentId id, DocumentSettings settings)
    {
        Id = id;
        _settings = settings;
    }

    public DocumentId Id { get; }

    /// <summary>How many ops have been applied (ShareDB's snapshot <c>v</c>).</summary>
    public long Version { get; private set; }

    /// <summary>The type URI, or null when the document does not exist (never created, or deleted).</summary>
    public string? Type => _document?.Type.Uri;

    public bool Exists => _document is not null;

    /// <summary>
    /// The current data in its type's stored form (the text of a text-unicode document, JSON text for the other
    /// types), or null when the document does not exist.
    /// </summary>
    public string? Data => _document?.ToStored();

    /// <summary>The oldest version from which ops are still in memory.</summary>
    public long OldestLoggedVersion => _log.Count == 0 ? Version : _log[0].Op.Version;

    public WireSnapshot Snapshot() => new(Version, Type, Data);

    /// <summary>What the snapshot store keeps: the data at this version and the recent submitters (for dedupe).</summary>
    public DocumentSnapshot ToSnapshot() =>
        new(Version, Type, Data, _lastOpTimestampMs, _submitters.Values.OrderBy(e => e.Version).ToArray());

    /// <summary>
    /// Starts over from a stored snapshot. The op log is empty afterwards: ops before <see cref="Version"/> are in the
    /// journal (see <see cref="SubmitDecision.NeedOlderOps"/> and the actor's history reads).
    /// </summary>
    public void Restore(DocumentSnapshot snapshot)
    {
        OtType? type = snapshot.Type is null ? null : OtTypes.Find(snapshot.Type)
            ?? throw new InvalidOperationException($"Snapshot of {Id} has type '{snapshot.Type}', which this server does not know.");
        _log.Clear();
        _logBytes = 0;
        _submitters.Clear();
        Version = snapshot.Version;
        _document = type?.Restore(snapshot.Data ?? "", _settings.MaxDocumentUtf16Length);
        _lastOpTimestampMs = snapshot.LastOpTimestampMs;
        foreach (SubmitterEntry entry in snapshot.RecentSubmitters) _submitters[entry.Src] = entry;
    }

    /// <summary>
    /// Decides what to do with a submitted op: transform it past the ops committed since its base version, spot a
    /// resend (same src and seq), and check it fits the document. Changes nothing. When the base version is older
    /// than the op log reaches, the answer is <see cref="SubmitDecision.NeedOlderOps"/>: decide again with
    /// <paramref name="olderOps"/>, the committed ops from the base version up to <see cref="OldestLoggedVersion"/>.
    /// </summary>
    public SubmitDecision Decide(
        string src, long seq, long? baseVersion, OpChange change, long nowMs, IReadOnlyList<CommittedOp>? olderOps = null)
    {
        long from = baseVersion ?? Version;
        if (from < 0)
            return Reject(ProtocolErrorCodes.MessageBadlyFormed, "Op version must not be negative.");
        if (from > Version)
            return Reject(ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot,
                $"Op version {from} is newer than the document's version {Version}.");
        // The last op of each recent source outlives the op log (and restarts, through snapshots and the journal).
        if (_submitters.TryGetValue(src, out SubmitterEntry? last) && last.Seq == seq)
            return new SubmitDecision.AlreadyCommitted(last.Version);
        IReadOnlyList<CommittedOp> older = Array.Empty<CommittedOp>();
        if (from < OldestLoggedVersion)
        {
            if (olderOps is null) return new SubmitDecision.NeedOlderOps(from);
            older = olderOps.Where(op => op.Version >= from).ToArray();
            if (older.Count != OldestLoggedVersion - from || (older.Count > 0 && older[0].Version != from))
                return Reject(ProtocolErrorCodes.OpVersionTooOld,
                    $"Op version {from} is older than the history this server can read ({OldestLoggedVersion}); fetch the document again.");
        }

        try
        {
            // Edits in the log since the last create are all of the current type; a create or delete among the
            // concurrent ops refuses this one below, whatever the type.
            if (change is EditChange edit && _document is { } current) change = new EditChange(current.Type.Read(edit.Op));
            int start = from < OldestLoggedVersion ? 0 : IndexOf(from);
            for (int i = -older.Count; i < _log.Count - start; i++)
            {
                CommittedOp applied = i < 0 ? older[older.Count + i] : _log[start + i].Op;
                if (applied.Src == src && applied.Seq == seq) return new SubmitDecision.AlreadyCommitted(applied.Version);
                switch (applied.Change)
                {
                    case DeleteChange when change is not DeleteChange:
                        return Reject(ProtocolErrorCodes.DocWasDeleted, "The document was deleted by a concurrent op.");
                    case CreateChange:
                        return Reject(ProtocolErrorCodes.DocAlreadyCreated, "The document was created by a concurrent op.");
                    case EditChange appliedEdit when change is EditChange mine:
                        OtType type = appliedEdit.Op.Type!;
                        change = new EditChange(type.Transform(type.Read(mine.Op), appliedEdit.Op, TransformSide.Left));
                        break;
                }
            }

            ProtocolError? error = Check(ref change);
            return error is null
                ? new SubmitDecision.Commit(new CommittedOp(Version, src, seq, change, nowMs))
                : new SubmitDecision.Reject(error);
        }
        catch (OpRejectedException e)
        {
            return new SubmitDecision.Reject(ErrorFor(e));
        }
    }

    private static ProtocolError ErrorFor(OpRejectedException e) => new(e.Problem switch
    {
        OpProblem.BadlyFormed => ProtocolErrorCodes.OpBadlyFormed,
        OpProblem.TooLarge => ProtocolErrorCodes.DocumentTooLarge,
        _ => ProtocolErrorCodes.OpNotApplied,
    }, e.Message);

    // A create is committed with its type's URI, as ShareDB normalizes create.type.
    private ProtocolError? Check(ref OpChange change)
    {
        switch (change)
        {
            case CreateChange create:
                if (Exists) return new(ProtocolErrorCodes.DocAlreadyCreated, $"Document {Id} already exists.");
                if (OtTypes.Find(create.Type) is not { } type)
                    return new(ProtocolErrorCodes.DocTypeNotRecognized,
                        $"Unknown type '{create.Type}': documents here are {string.Join(", ", OtTypes.All.Select(t => t.Name))}.");
                type.Create(create.Data?.ToElement(), _settings.MaxDocumentUtf16Length);
                if (create.Type != type.Uri) change = create with { Type = type.Uri };
                return null;
            case EditChange edit:
                if (_document is null) return new(ProtocolErrorCodes.DocDoesNotExist, $"Document {Id} does not exist.");
                _document.Check(edit.Op);
                return null;
            case DeleteChange:
                return Exists ? null : new(ProtocolErrorCodes.DocDoesNotExist, $"Document {Id} does not exist.");
            default:
                return new(ProtocolErrorCodes.OpBadlyFormed, "Unknown kind of op.");
        }
    }

    /// <summary>Applies an op committed at the current version (from <see cref="Decide"/> or the journal).</summary>
    public void Apply(CommittedOp op)
    {
        if (op.Version != Version)
            throw new InvalidOperationException($"Op at version {op.Version} applied to {Id} at version {Version}.");
        Undo undo;
        switch (op.Change)
        {
            case CreateChange create:
                _document = OtTypes.Get(create.Type).Create(create.Data?.ToElement(), _settings.MaxDocumentUtf16Length);
                undo = Undo.ToNothing;
                break;
            case EditChange edit:
                OtDocument document = _document ?? throw new InvalidOperationException($"Edit applied to {Id}, which does not exist.");
                // From the journal the op is already of the document's type; Read passes it through then.
                undo = new Undo(document.Apply(document.Type.Read(edit.Op)), null);
                break;
            default:
                // The deleted document is kept as it was (nothing edits it any more) to step back over the delete.
                undo = new Undo(null, _document);
                _document = null;
                break;
        }
        var logged = new LoggedOp(op, undo, LoggedOp.EstimateBytes(op.Change, undo));
        _log.Add(logged);
        _logBytes += logged.Bytes;
        Version++;
        _lastOpTimestampMs = op.TimestampMs;
        RememberSubmitter(new SubmitterEntry(op.Src, op.Seq, op.Version));
        // Trim in chunks so a busy document does not shift the list on every op.
        if (_log.Count > _settings.OpLogCapacity + _settings.OpLogCapacity / 4 + 1)
            DropOldest(_log.Count - _settings.OpLogCapacity);
        if (_logBytes > _settings.OpLogMaxBytes)
        {
            // Down to three quarters of the bound, for the same reason; never the newest op.
            int drop = 0;
            long bytes = _logBytes;
            while (drop < _log.Count - 1 && bytes > _settings.OpLogMaxBytes * 3 / 4) bytes -= _log[drop++].Bytes;
            DropOldest(drop);
        }
    }

    /// <summary>The estimated bytes the in-memory op log holds (see <see cref="DocumentSettings.OpLogMaxBytes"/>).</summary>
    public long OpLogBytes => _logBytes;

    private void DropOldest(int count)
    {
        for (int i = 0; i < count; i++) _logBytes -= _log[i].Bytes;
        _log.RemoveRange(0, count);
    }

    /// <summary>The ops from <paramref name="from"/> to now, oldest first; null when they are no longer in memory.</summary>
    public IReadOnlyList<CommittedOp>? OpsSince(long from)
    {
        if (from < OldestLoggedVersion || from > Version) return null;
        int start = IndexOf(from);
        var ops = new CommittedOp[_log.Count - start];
        for (int i = start; i < _log.Count; i++) ops[i - start] = _log[i].Op;
        return ops;
    }

    /// <summary>The snapshot as it was at <paramref name="version"/>; null when that is older than the log reaches.</summary>
    public WireSnapshot? SnapshotAt(long version)
    {
        if (version >= Version) return Snapshot();
        if (version < OldestLoggedVersion) return null;
        OtDocument? document = _document?.Copy();
        for (int i = _log.Count - 1; i >= 0 && _log[i].Op.Version >= version; i--)
        {
            Undo undo = _log[i].Undo;
            if (undo.Edit is { } edit) document!.StepBack(edit);
            else document = undo.Restored?.Copy();
        }
        return new WireSnapshot(version, document?.Type.Uri, document?.ToStored());
    }

    /// <summary>The version the document had at <paramref name="timestampMs"/>; null when that is older than the log reaches.</summary>
    public long? VersionAt(long timestampMs)
    {
        int i = _log.Count;
        while (i > 0 && _log[i - 1].Op.TimestampMs > timestampMs) i--;
        // Before the log's first op (or, with an empty log after a snapshot, before the last op): not known here.
        if (i == 0 && OldestLoggedVersion > 0 && (_log.Count > 0 || timestampMs < _lastOpTimestampMs)) return null;
        return i == _log.Count ? Version : _log[i].Op.Version;
    }

    /// <summary>
    /// Moves a presence value made at <paramref name="version"/> to the current version, as ShareDB's
    /// transformPresenceToLatestVersion does with the type's transformPresence (<paramref name="src"/>: the client
    /// that made it, so its own ops count as own ops); a create or delete clears it. False when it cannot be moved:
    /// the document's type has no transformPresence (json0) and ops came since, which ShareDB refuses
    /// (ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE) rather than relay a value that no longer fits.
    /// </summary>
    public bool TryTransformPresence(JsonElement? value, long version, string? src, out JsonElement? moved)
    {
        moved = value;
        if (value is null || version >= Version) return true;
        if (version < OldestLoggedVersion)
        {
            moved = null;
            return true;
        }
        for (int i = IndexOf(version); i < _log.Count && moved is not null; i++)
        {
            CommittedOp op = _log[i].Op;
            if (op.Change is not EditChange edit)
            {
                moved = null;
                break;
            }
            OtType type = edit.Op.Type!;
            if (!type.TransformsPresence) return false;
            moved = type.TransformPresence(moved.Value, edit.Op, isOwnOp: op.Src == src);
        }
        return true;
    }

    /// <summary><see cref="TryTransformPresence"/> for a type that moves presence; null when it cannot be moved.</summary>
    public JsonElement? TransformPresence(JsonElement? value, long version, string? src = null) =>
        TryTransformPresence(value, version, src, out JsonElement? moved) ? moved : null;

    private void RememberSubmitter(SubmitterEntry entry)
    {
        _submitters[entry.Src] = entry;
        // Forget the sources that submitted longest ago, in chunks, once there are a quarter more than kept.
        int keep = _settings.RecentSubmittersKept;
        if (_submitters.Count <= keep + keep / 4 + 1) return;
        foreach (SubmitterEntry old in _submitters.Values.OrderBy(e => e.Version).Take(_submitters.Count - keep).ToArray())
            _submitters.Remove(old.Src);
    }

    private int IndexOf(long version) => (int)(version - OldestLoggedVersion);

    private static SubmitDecision.Reject Reject(string code, string message) => new(new ProtocolError(code, message));

    /// <summary>How to step the document back over one op: the type's undo, or the whole document to restore (null: none).</summary>
    private sealed record Undo(OtUndo? Edit, OtDocument? Restored)
    {
        public static readonly Undo ToNothing = new(null, null);
    }

    private sealed record LoggedOp(CommittedOp Op, Undo Undo, long Bytes)
    {
        // Per op: the objects around the op (records, arrays, strings' headers).
        private const int OpOverhead = 160;

        public static long EstimateBytes(OpChange change, Undo undo) =>
            OpOverhead + change switch
            {
                EditChange edit => edit.Op.EstimatedBytes,
                CreateChange create => 2L * (create.Data?.Json.Length ?? 0),
                _ => 0,
            } + (undo.Edit?.EstimatedBytes ?? 0) + (undo.Restored?.EstimatedBytes ?? 0);
    }
}
