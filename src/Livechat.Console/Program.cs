using Livechat.Client;
using Livechat.Console;
using Livechat.Console.Services;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// One client per tab, talking to the server that served the console, as any integrator's would.
builder.Services.AddSingleton(_ => new LivechatClient(new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) }));
builder.Services.AddSingleton<Session>();
builder.Services.AddSingleton<Chats>();
builder.Services.AddSingleton(TimeProvider.System);

await builder.Build().RunAsync();
