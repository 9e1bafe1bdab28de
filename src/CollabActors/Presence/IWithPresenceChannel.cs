namespace CollabActors.Presence;

/// <summary>A message for one presence channel; the sharding message extractor routes it by <see cref="Channel"/>.</summary>
public interface IWithPresenceChannel
{
    string Channel { get; }
}
