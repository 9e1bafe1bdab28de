using System.Runtime.Serialization;

namespace CollabActors.Serialization;

/// <summary>Bytes in the journal or on the wire name a manifest this build does not know.</summary>
public sealed class UnknownManifestException(string manifest, IEnumerable<string> known)
    : SerializationException(
        $"CollabSerializer cannot read manifest '{manifest}': it knows only {string.Join(", ", known.Select(m => $"'{m}'"))}. " +
        "Was this written by a newer CollabSuite, or by another serializer?")
{
    public string Manifest { get; } = manifest;
}
