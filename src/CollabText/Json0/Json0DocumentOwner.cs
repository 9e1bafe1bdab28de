namespace CollabText.Json0;

/// <summary>
/// The mark a <see cref="Json0Document"/> puts on the containers its edits made, so its later edits may change them in
/// place. The document takes a new one whenever it hands out a snapshot, so no container anyone else can see is
/// changed: only identity matters, hence no members.
/// </summary>
internal sealed class Json0DocumentOwner;
