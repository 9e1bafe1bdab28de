namespace CollabActors.Documents;

/// <summary>A message for one document actor; the sharding message extractor routes it by <see cref="Document"/>.</summary>
public interface IWithDocumentId
{
    DocumentId Document { get; }
}
