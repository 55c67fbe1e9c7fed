import { accessorTexts, namesAccessor, sharedAccessorKeys } from '../../lib/index/shared-text';

const keys = (code: string) => accessorTexts(code).map((a) => `${a.key}${a.shares ? ' shares' : ''}`);

describe('runtime accessors read from text (lib/index/shared-text.ts)', () => {
  it('keys free fns and statics by name, associated fns by their type; trait items and local fns are none', () => {
    const code = [
      'use tokio::runtime::{Builder, Handle, Runtime};',
      'static RT: OnceLock<Runtime> = OnceLock::new();',
      'static COUNT: AtomicUsize = AtomicUsize::new(0);',
      'pub fn shared() -> &\'static Runtime { RT.get_or_init(|| Runtime::new().unwrap()) }',
      'fn plain() -> u8 { 1 }',
      'impl<T: Send> pool::Pool<T> where T: Clone {',
      '    pub fn handle(&self) -> Handle { self.rt.handle().clone() }',
      '    fn build_rt() -> Runtime { Builder::new_multi_thread().build().unwrap() }',
      '}',
      'impl From<Runtime> for Pool<u8> { fn from(rt: Runtime) -> Self { todo!() } }',
      'trait Source { fn runtime(&self) -> &Runtime; }',
      'fn outer() -> Handle { fn inner() -> Runtime { Runtime::new().unwrap() } inner().handle().clone() }',
    ].join('\n');
    expect(keys(code)).toEqual(['RT shares', 'COUNT', 'shared shares', 'Pool::handle', 'Pool::build_rt shares', 'outer shares']);
  });

  it('follows accessors that hand out a shared one, across files, to a fixed point', () => {
    const rt = accessorTexts('static RT: Lazy<Runtime> = Lazy::new(|| Runtime::new().unwrap());\npub fn rt() -> &\'static Runtime { &RT }');
    const handle = accessorTexts('pub fn handle() -> Handle { crate::rt::rt().handle().clone() }');
    const quiet = accessorTexts('pub fn current() -> Handle { Handle::current() }');
    const assoc = accessorTexts('impl Pool { pub fn make() -> Runtime { Runtime::new().unwrap() } }\npub fn via() -> Runtime { Pool::make() }');
    expect([...sharedAccessorKeys([handle, quiet, rt, assoc])].sort()).toEqual(['Pool::make', 'RT', 'handle', 'rt', 'via']);
  });

  it('names an associated accessor only through its type (or Self)', () => {
    const words = (code: string) => new Set(code.match(/[A-Za-z0-9_]+/g) ?? []);
    for (const [code, named] of [
      ['Pool::make()', true],
      ['Self::make()', true],
      ['crate::pool::Pool :: make()', true],
      ['x.make()', false],
      ['Other::make()', false],
      ['Pool::make_more()', false],
    ] as const) {
      expect([code, namesAccessor(code, words(code), 'Pool::make')]).toEqual([code, named]);
    }
    expect(namesAccessor('rt().spawn(f)', words('rt().spawn(f)'), 'rt')).toBe(true);
  });
});
