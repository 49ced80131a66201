using System.Net.WebSockets;
using Livechat.Client;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary>Clients of the test server: a <see cref="LivechatClient"/> over its HttpClient, a realtime connection over its WebSockets.</summary>
public static class ClientFactory
{
    public static LivechatClient Client(this LivechatServerFactory factory) => new(factory.CreateClient(), disposeHttpClient: true);

    public static async Task<LivechatClient> AdminClientAsync(this LivechatServerFactory factory)
    {
        var client = factory.Client();
        var admin = await factory.AdminAsync();
        await client.ResumeAsync(admin.UserId!, admin.Token!);
        return client;
    }

    /// <summary>A client logged in as <paramref name="user"/> (reusing the user's REST token).</summary>
    public static async Task<LivechatClient> ClientAsync(this LivechatServerFactory factory, TestUser user)
    {
        var client = factory.Client();
        await client.ResumeAsync(user.Id, user.Api.Token!);
        return client;
    }

    /// <summary>A realtime connection to the test server; <paramref name="sockets"/> collects every socket it opens, so a test can cut one.</summary>
    public static LivechatRealtime Realtime(this LivechatServerFactory factory, LivechatClient client, List<WebSocket>? sockets = null) =>
        new(client, new RealtimeOptions
        {
            Endpoint = new Uri(factory.Server.BaseAddress, "/websocket"),
            ConnectWebSocket = async (uri, ct) =>
            {
                var socket = await factory.Server.CreateWebSocketClient().ConnectAsync(uri, ct);
                if (sockets is not null)
                {
                    lock (sockets) sockets.Add(socket);
                }
                return socket;
            },
            ReconnectDelays = [TimeSpan.FromMilliseconds(50)],
        });
}
