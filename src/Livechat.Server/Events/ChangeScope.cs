using System.Security.Claims;

namespace Livechat.Server.Events;

/// <summary>
/// Who is changing things in the current request or background job: the actor every <see cref="ChangeEvent"/> of the
/// flow records. A request starts with the authenticated user (source <c>rest</c>; the method dispatch shared by
/// <c>method.call</c> and DDP switches to <c>method</c>); visitor-token endpoints name the visitor with
/// <see cref="SetActor"/>; background work runs as <see cref="ChangeActor.System"/> unless it begins its own scope.
/// </summary>
public sealed class ChangeScope
{
    static readonly AsyncLocal<ChangeScope?> Ambient = new();

    ChangeActor _actor = ChangeActor.System;

    /// <summary>The actor of the current flow (<see cref="ChangeActor.System"/> outside any scope).</summary>
    public static ChangeActor CurrentActor => Ambient.Value?._actor ?? ChangeActor.System;

    /// <summary>
    /// Names the actor for the rest of the current request. A scope object is shared by the whole request flow, so
    /// this works from any method the request calls.
    /// </summary>
    public static void SetActor(ChangeActor actor)
    {
        if (Ambient.Value is { } scope)
        {
            scope._actor = actor;
        }
        else
        {
            Ambient.Value = new ChangeScope { _actor = actor };
        }
    }

    /// <summary>Names a visitor as the actor (visitor-token endpoints), keeping the request's source.</summary>
    public static void SetVisitor(string visitorId, string username) =>
        SetActor(ChangeActor.Visitor(visitorId, username, Ambient.Value?._actor.Source ?? ChangeActor.Rest));

    /// <summary>Starts a scope for a background job or a test; the previous one comes back on dispose.</summary>
    public static IDisposable Begin(ChangeActor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = new ChangeScope { _actor = actor };
        return new Restore(previous);
    }

    sealed class Restore(ChangeScope? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

public static class ChangeScopeSetup
{
    /// <summary>After authentication: every request gets a scope naming its caller.</summary>
    public static IApplicationBuilder UseChangeScope(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Source rest; the shared method dispatch names its own changes "method".
        var user = context.User;
        var actor = ChangeActor.User(user.FindFirstValue(ClaimTypes.NameIdentifier), user.FindFirstValue(ClaimTypes.Name), ChangeActor.Rest);
        using (ChangeScope.Begin(actor))
        {
            await next(context);
        }
    });
}
