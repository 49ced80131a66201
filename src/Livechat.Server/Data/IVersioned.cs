namespace Livechat.Server.Data;

/// <summary>
/// An entity with an optimistic-concurrency <see cref="Version"/> and an <see cref="UpdatedAt"/>: every save that
/// changes any other column of it moves both (<see cref="Events.SaveConventions"/>), so no write path has to remember to.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }

    DateTime UpdatedAt { get; set; }
}
