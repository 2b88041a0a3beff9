/* pingpong: a C client and a forked C echo server over one loopback TCP
 * connection; prints the round-trip percentiles of n 200-byte messages.
 * The floor under every Go figure of ../main.go.
 *   gcc -O2 -o /tmp/pingpong pingpong.c && /tmp/pingpong 20000 [usleep-between]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  int n=atoi(argv[1]); int port=18999;
  int ls=socket(AF_INET,SOCK_STREAM,0); int one=1; setsockopt(ls,SOL_SOCKET,SO_REUSEADDR,&one,4);
  struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_port=htons(port); a.sin_addr.s_addr=htonl(0x7f000001);
  bind(ls,(void*)&a,sizeof a); listen(ls,1);
  if(fork()==0){ int c=accept(ls,0,0); setsockopt(c,IPPROTO_TCP,TCP_NODELAY,&one,4); char b[512];
    for(;;){int r=read(c,b,sizeof b); if(r<=0) exit(0); write(c,b,r);} }
  int s=socket(AF_INET,SOCK_STREAM,0); connect(s,(void*)&a,sizeof a); setsockopt(s,IPPROTO_TCP,TCP_NODELAY,&one,4);
  char b[512]; memset(b,'x',200); double *d=malloc(n*sizeof(double));
  for(int i=0;i<n;i++){ double t=now(); write(s,b,200); int got=0; while(got<200){int r=read(s,b,512); got+=r;} d[i]=now()-t; usleep(argc>2?atoi(argv[2]):0);}
  qsort(d,n,sizeof(double),cmp);
  printf("n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f us\n",n,d[n/2],d[n*9/10],d[n*99/100],d[n-1]);
  close(s); return 0;}
