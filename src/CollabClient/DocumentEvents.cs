using System.Text.Json.Nodes;
using CollabText;

namespace CollabClient;

/// <summary>Another client's op, as applied to the local text (transformed past local unacknowledged ops).</summary>
public sealed record RemoteOpApplied(string? Src, long Seq, long Version, TextOp Applied);

/// <summary>
/// The server acknowledged one of our ops at <see cref="Version"/>. Timestamps are <see cref="System.Diagnostics.Stopwatch"/>
/// ticks: when the first local edit in it was made and when it was (last) sent.
/// </summary>
public sealed record LocalOpAcknowledged(string Src, long Seq, long Version, int EditCount, long FirstEditTimestamp, long SentTimestamp);

/// <summary>One of our ops went out on the wire (the first time; resends after reconnect are not reported).</summary>
public sealed record LocalOpSent(string Src, long Seq, int EditCount, long FirstEditTimestamp, long SentTimestamp);

/// <summary>Another client's presence on the document (for text: a cursor <c>{index, length}</c>); null value means gone.</summary>
public sealed record PresenceReceived(string Src, string PresenceId, JsonNode? Value);
