using System.Text.Json.Nodes;

namespace CollabClient.Wire;

/// <summary>
/// One decoded server message: an op or a presence update read straight from the frame (the hot messages of a busy
/// document), or any other message as its JSON object.
/// </summary>
internal abstract record IncomingMessage;

/// <summary>A message other than a well-formed op or presence update (handshake, replies, errors, bulk), as its JSON object.</summary>
internal sealed record IncomingJson(JsonObject Message) : IncomingMessage;
