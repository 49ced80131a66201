namespace Livechat.Server.Http;

/// <summary>
/// A failure of logic shared by a REST endpoint and its <c>method.call</c> twin: <see cref="Code"/> and
/// <see cref="Reason"/> make the Meteor.Error the method answers, <see cref="Rest"/> is what the REST route answers.
/// </summary>
public sealed record CatalogueError(string Code, string? Reason, ApiError Rest);

/// <summary>The value of a shared operation, or why it failed.</summary>
public readonly record struct Outcome<T>(T? Value, CatalogueError? Error)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(CatalogueError error) => new(default, error);
}
