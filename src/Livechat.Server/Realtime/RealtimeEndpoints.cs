using Livechat.Server.Http;
using Livechat.Server.Presence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Realtime;

public static class RealtimeEndpoints
{
    // GET /websocket   DDP over WebSocket (Meteor's path); anyone may connect, streams and methods check their own rights
    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        app.MapGet("/websocket", Accept).WithTags("Realtime").ExcludeFromDescription();
        return app;
    }

    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddOptions<RealtimeLimits>().BindConfiguration(RealtimeLimits.Section)
            .Validate(l => l.IsValid, "Every Realtime limit must be a positive number").ValidateOnStart();
        services.AddSingleton<StreamHub>();
        services.AddHostedService<RealtimeBridge>();
        return services;
    }

    static async Task<Results<EmptyHttpResult, ApiError>> Accept(HttpContext http, IServiceScopeFactory scopes, StreamHub hub,
        IOptions<RealtimeLimits> limits, TimeProvider time, UserPresence presence, ILoggerFactory loggers)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiError.Failure("Can \"Upgrade\" only to \"WebSocket\".");
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        // The address the forwarded-headers middleware settled on (the peer itself unless it is a known proxy).
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
        if (!hub.TryAddConnection(address, limits.Value.MaxConnectionsPerIp))
        {
            await DdpSession.RefuseAsync(socket, DdpMessages.Refused("too-many-connections",
                $"At most {limits.Value.MaxConnectionsPerIp} connections per client address"), http.RequestAborted);
            return TypedResults.Empty;
        }
        try
        {
            using var session = new DdpSession(socket, scopes, hub, limits.Value, time, presence, loggers.CreateLogger<DdpSession>());
            await session.RunAsync(http.RequestAborted);
        }
        finally
        {
            hub.RemoveConnection(address);
        }
        return TypedResults.Empty;
    }
}
