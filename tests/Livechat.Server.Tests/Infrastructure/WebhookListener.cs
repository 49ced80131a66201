using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>A real HTTP endpoint on loopback that records webhook calls and answers with the statuses it is told.</summary>
public sealed class WebhookListener : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    readonly Func<int, int> _statusForCall;
    readonly string _answer;
    int _calls;

    public sealed record Received(string Body, string? Token, string? ContentType)
    {
        /// <summary>The <c>X-Livechat-Signature</c> header.</summary>
        public string? Signature { get; init; }

        /// <summary>The status the listener answered.</summary>
        public int Status { get; init; }
    }

    public WebhookListener(Func<int, int>? statusForCall = null, string answer = "crm-answer")
    {
        _statusForCall = statusForCall ?? (_ => 200);
        _answer = answer;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>Sent as <c>Location</c> with every answer (for redirect statuses).</summary>
    public string? Location { get; init; }

    public int Calls => _calls;

    /// <summary>The next call, or a failure after <paramref name="seconds"/>.</summary>
    public async Task<Received> NextAsync(double seconds = 15)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await AnswerAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // A caller that died mid-request (the crash tests kill the server): the next call is served as usual.
            }
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        // Counted once the whole request has arrived, so a call cut off by a dying caller does not shift the statuses.
        var call = Interlocked.Increment(ref _calls);
        var status = _statusForCall(call);
        await _received.Writer.WriteAsync(new Received(body, context.Request.Headers["X-RocketChat-Livechat-Token"], context.Request.ContentType)
        {
            Signature = context.Request.Headers["X-Livechat-Signature"],
            Status = status,
        });
        context.Response.StatusCode = status;
        if (Location is not null) context.Response.RedirectLocation = Location;
        var bytes = System.Text.Encoding.UTF8.GetBytes(_answer);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
